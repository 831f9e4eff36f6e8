package rulescli

import (
	"bytes"
	"os"
	"testing"
)

// FuzzMain feeds arbitrary bytes to `casework rules eval` on stdin: it must
// exit 0 with output and no problems, or 2 with problems and no output.
func FuzzMain(f *testing.F) {
	data, err := os.ReadFile("testdata/facts.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, "")
	f.Add([]byte(`{"as_of":"2026-11-22","cases":[{"id":"c","worker":"w"}]}`), "tx-dfps")
	f.Add([]byte("\xff"), "policy-46100")
	f.Fuzz(func(t *testing.T, in []byte, profile string) {
		args := []string{"eval", "--as-of", "2026-11-22"}
		if profile != "" {
			args = append(args, "--profile", profile)
		}
		var out, errb bytes.Buffer
		code := Main(args, bytes.NewReader(in), &out, &errb)
		switch {
		case code == 0 && out.Len() > 0 && errb.Len() == 0:
		case code == 2 && out.Len() == 0 && errb.Len() > 0:
		default:
			t.Fatalf("exit %d, stdout %d bytes, stderr %q", code, out.Len(), errb.String())
		}
	})
}
