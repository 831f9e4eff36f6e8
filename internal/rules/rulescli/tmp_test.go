package rulescli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestTmpRun(t *testing.T) {
	args := strings.Fields(os.Getenv("RULES_ARGS"))
	if len(args) == 0 {
		t.Skip()
	}
	var out, errb bytes.Buffer
	code := Main(args, os.Stdin, &out, &errb)
	t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
}
