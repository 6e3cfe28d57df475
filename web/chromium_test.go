package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// startChromium starts the headless browser RAPPORT_TEST_CHROMIUM names, with a window
// of the size given, for the rest of the test. Without it the test is skipped, or fails
// when RAPPORT_TEST_REQUIRE says the browser tests must run (scripts/test sets both).
func startChromium(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := os.Getenv("RAPPORT_TEST_CHROMIUM")
	if path == "" {
		if strings.Contains(os.Getenv("RAPPORT_TEST_REQUIRE"), "chromium") {
			t.Fatal("RAPPORT_TEST_CHROMIUM is not set, and RAPPORT_TEST_REQUIRE says the browser tests must run")
		}
		t.Skip("RAPPORT_TEST_CHROMIUM is not set; browser tests skipped (scripts/test sets it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { chromedp.Cancel(root); cancelRoot(); cancelAlloc() })
	if err := chromedp.Do(root); err != nil { // starts the browser
		t.Fatalf("start %s: %v", path, err)
	}
	return root
}

// emulateScheme makes the page's prefers-color-scheme light or dark.
func emulateScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	}
}

// newTab opens a browser context of its own (its own cookies) for one user, closed
// when the test ends; its actions fail after the timeout.
func newTab(t *testing.T, root context.Context, timeout time.Duration) context.Context {
	bctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { chromedp.Cancel(bctx); cancel() })
	b, cancelTimeout := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancelTimeout)
	return b
}

// do runs actions one by one in b, so that a failure names the step that failed.
func do(t *testing.T, b context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, step := range steps {
		if err := chromedp.Do(b, step); err != nil {
			t.Fatalf("step %d of %d: %v", i+1, len(steps), err)
		}
	}
}
