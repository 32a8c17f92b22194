# standoff as a container: a static binary on an empty base image, run as a user that is
# not root, its data folder a volume.
#
#   docker build -t standoff .
#   docker run -d --name standoff --env-file .env -v standoff-data:/data standoff
#
# or compose.yaml beside this file. Build from a git checkout to have the commit in
# `standoff version`; in a checkout where git cannot run, pass --build-arg BUILDVCS=false.
# Podman and buildah write OCI images, which carry no HEALTHCHECK: build with
# `--format docker` to keep it (compose.yaml has a healthcheck of its own).

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
ARG BUILDVCS=auto
WORKDIR /src
# The modules first, so that a change of the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary (no C library): CGO_ENABLED=0. The corpus is embedded in it.
RUN CGO_ENABLED=0 go build -buildvcs=${BUILDVCS} -trimpath -ldflags="-s -w" -o /out/standoff ./cmd/standoff \
    && /out/standoff version \
    && mkdir -p /out/data /out/tmp \
    && chmod 0700 /out/data && chmod 1777 /out/tmp \
    && echo 'standoff:x:65532:65532:standoff:/data:/sbin/nologin' > /out/passwd \
    && echo 'standoff:x:65532:' > /out/group

FROM scratch
# CA certificates, for https to Discord and to the pages moderators add.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/standoff /usr/local/bin/standoff
ENV STANDOFF_DATA_DIR=/data \
    STANDOFF_HTTP_ADDR=0.0.0.0:8080 \
    HOME=/data
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# The liveness probe: /livez answers while the process runs, whatever Discord's state.
# The image has no curl: the binary probes itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/standoff", "health"]
ENTRYPOINT ["/usr/local/bin/standoff"]
CMD ["bot"]
