// A Go httpbakery service and discharger on loopback, for the interoperability tests: the discharger
// (httpbakery.Discharger) approves "is-user alice" and declares user=alice; the service (bakery.New with
// the std checker) answers GET /accounts/{id} when the request's macaroons allow the op accounts:read,
// and otherwise the discharge-required error with a macaroon from its Oven that has a third-party
// caveat for the discharger. Prints {"service": url, "discharger": url} and serves until stdin closes.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/go-macaroon-bakery/macaroon-bakery/v3/bakery"
	"github.com/go-macaroon-bakery/macaroon-bakery/v3/bakery/checkers"
	"github.com/go-macaroon-bakery/macaroon-bakery/v3/httpbakery"
	"gopkg.in/errgo.v1"
)

func listen() (net.Listener, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	return l, "http://" + l.Addr().String()
}

func main() {
	dl, dURL := listen()
	sl, sURL := listen()

	dkey := bakery.MustGenerateKey()
	d := httpbakery.NewDischarger(httpbakery.DischargerParams{
		Key: dkey,
		Checker: httpbakery.ThirdPartyCaveatCheckerFunc(func(ctx context.Context, req *http.Request, info *bakery.ThirdPartyCaveatInfo, token *httpbakery.DischargeToken) ([]checkers.Caveat, error) {
			if string(info.Condition) != "is-user alice" {
				return nil, errgo.WithCausef(nil, httpbakery.ErrPermissionDenied, "unknown condition %q", info.Condition)
			}
			return []checkers.Caveat{checkers.DeclaredCaveat("user", "alice")}, nil
		}),
	})
	dmux := http.NewServeMux()
	d.AddMuxHandlers(dmux, "/")
	go http.Serve(dl, dmux)

	locator := bakery.NewThirdPartyStore()
	locator.AddInfo(dURL, bakery.ThirdPartyInfo{PublicKey: dkey.Public, Version: bakery.LatestVersion})
	b := bakery.New(bakery.BakeryParams{
		Location: sURL,
		Locator:  locator,
		Key:      bakery.MustGenerateKey(),
		Checker:  httpbakery.NewChecker(),
	})
	op := bakery.Op{Entity: "accounts", Action: "read"}
	smux := http.NewServeMux()
	smux.HandleFunc("/accounts/", func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		if _, err := b.Checker.Auth(httpbakery.RequestMacaroons(req)...).Allow(ctx, op); err == nil {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"path":%q}`, req.URL.Path)
			return
		}
		m, err := b.Oven.NewMacaroon(ctx, httpbakery.RequestVersion(req), []checkers.Caveat{
			{Location: dURL, Condition: "is-user alice"},
			checkers.TimeBeforeCaveat(time.Now().Add(time.Hour)),
			checkers.DeclaredCaveat("user", "alice"),
		}, op)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		httpbakery.WriteError(ctx, w, httpbakery.NewDischargeRequiredError(httpbakery.DischargeRequiredErrorParams{
			Macaroon: m, Request: req,
		}))
	})
	go http.Serve(sl, smux)

	out, _ := json.Marshal(map[string]string{"service": sURL, "discharger": dURL})
	fmt.Println(string(out))
	io.Copy(io.Discard, os.Stdin)
}
