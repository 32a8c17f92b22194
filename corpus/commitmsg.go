package corpus

import "strings"

// CommitSubject words the change as the audit line does, for the first line of a commit
// message: the command, then each document with what happened to it, and the title when
// there is one document.
func (c Changes) CommitSubject(command string) string {
	var parts []string
	add := func(action string, list []DocChange) {
		for _, d := range list {
			parts = append(parts, action+" "+d.ID)
		}
	}
	add("added", c.Added)
	add("updated", c.Updated)
	add("removed", c.Removed)
	subject := "corpus " + command + ": " + strings.Join(parts, ", ")
	if len(parts) == 1 {
		for _, l := range [][]DocChange{c.Added, c.Updated, c.Removed} {
			if len(l) == 1 && l[0].Title != "" {
				subject += " — " + l[0].Title
			}
		}
	}
	if r := []rune(subject); len(r) > 200 {
		subject = string(r[:199]) + "…"
	}
	return subject
}

// Paths lists the files the change wrote or removed.
func (c Changes) Paths() []string {
	var out []string
	for _, l := range [][]DocChange{c.Added, c.Updated, c.Removed} {
		for _, d := range l {
			out = append(out, d.Path)
		}
	}
	return out
}
