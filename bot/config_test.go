package bot

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestConfigNeverPrintsToken(t *testing.T) {
	c := Config{Token: "very-secret-token", APIURL: DefaultAPIURL}
	var b strings.Builder
	l := slog.New(slog.NewTextHandler(&b, nil))
	l.Info("cfg", "config", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), b.String()} {
		if strings.Contains(s, "very-secret-token") {
			t.Errorf("token printed: %s", s)
		}
	}
}
