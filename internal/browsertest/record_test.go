package browsertest

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// media emulates a CSS media type ("print"; "" ends the emulation).
func media(m string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return chromedp.Void{}, err
	}
}

// checkPrintedRecord looks at the signed record of the tab as it prints: the
// agency, office and unit head it with the confidentiality notice; the
// people, the dates and who signed, shared and acknowledged; every case with
// its next steps; the addenda; no navigation, forms or banners. It prints it
// to PDF (pages numbered by the print stylesheet's @page rules), kept beside
// the screenshots with UPDATE_SCREENSHOTS.
func checkPrintedRecord(t *testing.T, ctx context.Context, name string, want ...string) {
	t.Helper()
	if err := chromedp.Do(ctx, media("print")); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = chromedp.Do(ctx, media("")) }()
	visible := func(sel string) bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const el = document.querySelector(`+"`"+sel+"`"+`);
			return !!el && getComputedStyle(el).display !== 'none' && el.offsetParent !== null;
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return ok
	}
	for _, sel := range []string{`[data-testid="print-head"]`, `p.confidential`, `[data-testid="conference-facts"]`, `[data-testid="discussed-case"]`} {
		if !visible(sel) {
			t.Errorf("printed record: %s is not printed", sel)
		}
	}
	for _, sel := range []string{`header.top`, `footer`, `[data-testid="share"]`, `form`, `[data-testid="notice"]`} {
		if visible(sel) {
			t.Errorf("printed record: %s is printed", sel)
		}
	}
	printed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(printed), strings.ToLower(w)) { // headings print in capitals
			t.Errorf("printed record: %q is missing", w)
		}
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { yes := true; p.PreferCSSPageSize = &yes }))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("the record did not print to a PDF")
	}
	dir := t.TempDir()
	if os.Getenv("UPDATE_SCREENSHOTS") != "" {
		dir = "../../docs/screenshots"
	}
	if err := os.WriteFile(dir+"/"+name+".pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}
