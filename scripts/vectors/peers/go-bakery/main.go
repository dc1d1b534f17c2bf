// go-macaroon-bakery v3 as a peer: reads {"jobs": [...]} on stdin, answers {"results": [...]} on stdout.
// Each job runs the library's own API: key pairs, minting with bakery.Macaroon.AddCaveat or the Oven,
// bakery.Discharge, bakery.DischargeAll, and a verifier made of macaroon.Verify with the std checker
// (clock and declarations from the whole slice in the context), as bakery's AuthChecker checks.
// Built in GOPATH mode against Debian's packages (see scripts/vectors/peers.js). Bytes travel as std base64.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-macaroon-bakery/macaroon-bakery/v3/bakery"
	"github.com/go-macaroon-bakery/macaroon-bakery/v3/bakery/checkers"
	"gopkg.in/macaroon.v2"
)

type caveatSpec struct {
	Condition string `json:"condition"`
	Location  string `json:"location"`
	Namespace string `json:"namespace"`
}

type partyInfo struct {
	Public  string `json:"public"`
	Version int    `json:"version"`
}

type job struct {
	Kind         string                     `json:"kind"`
	Key          *bakery.KeyPair            `json:"key"`
	KeyPair      *bakery.KeyPair            `json:"keyPair"`
	RootKey      string                     `json:"rootKey"`
	ID           string                     `json:"id"`
	Location     string                     `json:"location"`
	Version      int                        `json:"version"`
	Caveats      []caveatSpec               `json:"caveats"`
	ThirdParties map[string]partyInfo       `json:"thirdParties"`
	Oven         *ovenSpec                  `json:"oven"`
	Caveat       *string                    `json:"caveat"`
	Refuse       string                     `json:"refuse"`
	ExpectCond   *string                    `json:"expectCondition"`
	Macaroon     json.RawMessage            `json:"macaroon"`
	Dischargers  map[string]json.RawMessage `json:"dischargers"`
	Slice        []json.RawMessage          `json:"slice"`
	NowMs        int64                      `json:"nowMs"`
	Conditions   []string                   `json:"conditions"`
	Seconds      float64                    `json:"seconds"`
}

type ovenSpec struct {
	Ops      [][2]string `json:"ops"`
	ExpiryMs int64       `json:"expiryMs"`
}

func b64d(s string) []byte {
	b, err := macaroon.Base64Decode([]byte(s))
	if err != nil {
		panic(fmt.Errorf("bad base64 %q: %v", s, err))
	}
	return b
}

func b64e(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func locator(parties map[string]partyInfo) bakery.ThirdPartyLocator {
	store := bakery.NewThirdPartyStore()
	for loc, info := range parties {
		var pub bakery.PublicKey
		if err := pub.UnmarshalText([]byte(info.Public)); err != nil {
			panic(err)
		}
		store.AddInfo(loc, bakery.ThirdPartyInfo{PublicKey: pub, Version: bakery.Version(info.Version)})
	}
	return store
}

func caveats(specs []caveatSpec) []checkers.Caveat {
	out := make([]checkers.Caveat, len(specs))
	for i, c := range specs {
		out[i] = checkers.Caveat{Condition: c.Condition, Location: c.Location, Namespace: c.Namespace}
	}
	return out
}

type fixedStore struct{ key []byte }

func (s fixedStore) RootKey(ctx context.Context) ([]byte, []byte, error) {
	return s.key, []byte("0"), nil
}
func (s fixedStore) Get(ctx context.Context, id []byte) ([]byte, error) {
	if string(id) != "0" {
		return nil, bakery.ErrNotFound
	}
	return s.key, nil
}

func mint(j job) interface{} {
	ctx := context.Background()
	loc := locator(j.ThirdParties)
	rootKey := b64d(j.RootKey)
	var m *bakery.Macaroon
	var err error
	if j.Oven != nil {
		oven := bakery.NewOven(bakery.OvenParams{
			Key: j.Key, Location: j.Location, Locator: loc,
			RootKeyStoreForOps: func([]bakery.Op) bakery.RootKeyStore { return fixedStore{rootKey} },
		})
		ops := make([]bakery.Op, len(j.Oven.Ops))
		for i, op := range j.Oven.Ops {
			ops[i] = bakery.Op{Entity: op[0], Action: op[1]}
		}
		m, err = oven.NewMacaroon(ctx, bakery.Version(j.Version), caveats(j.Caveats), ops...)
	} else {
		m, err = bakery.NewMacaroon(rootKey, []byte(j.ID), j.Location, bakery.Version(j.Version), checkers.New(nil).Namespace())
		if err == nil {
			err = m.AddCaveats(ctx, caveats(j.Caveats), j.Key, loc)
		}
	}
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return map[string]interface{}{"macaroon": m}
}

type dischargeSpec struct {
	KeyPair      *bakery.KeyPair      `json:"keyPair"`
	Caveats      []caveatSpec         `json:"caveats"`
	Refuse       string               `json:"refuse"`
	ExpectCond   *string              `json:"expectCondition"`
	ThirdParties map[string]partyInfo `json:"thirdParties"`
}

func (s dischargeSpec) checker() bakery.ThirdPartyCaveatChecker {
	return bakery.ThirdPartyCaveatCheckerFunc(func(_ context.Context, info *bakery.ThirdPartyCaveatInfo) ([]checkers.Caveat, error) {
		if s.ExpectCond != nil && string(info.Condition) != *s.ExpectCond {
			return nil, fmt.Errorf("unexpected condition %q", info.Condition)
		}
		if s.Refuse != "" {
			return nil, fmt.Errorf("%s", s.Refuse)
		}
		return caveats(s.Caveats), nil
	})
}

func discharge(j job) interface{} {
	spec := dischargeSpec{KeyPair: j.KeyPair, Caveats: j.Caveats, Refuse: j.Refuse, ExpectCond: j.ExpectCond, ThirdParties: j.ThirdParties}
	var cav []byte
	if j.Caveat != nil {
		cav = b64d(*j.Caveat)
	}
	m, err := bakery.Discharge(context.Background(), bakery.DischargeParams{
		Id: b64d(j.ID), Caveat: cav, Key: j.KeyPair, Checker: spec.checker(), Locator: locator(j.ThirdParties),
	})
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return map[string]interface{}{"macaroon": m}
}

func dischargeAll(j job) interface{} {
	var m bakery.Macaroon
	if err := json.Unmarshal(j.Macaroon, &m); err != nil {
		return map[string]string{"error": err.Error()}
	}
	specs := map[string]dischargeSpec{}
	for loc, raw := range j.Dischargers {
		var s dischargeSpec
		if err := json.Unmarshal(raw, &s); err != nil {
			panic(err)
		}
		specs[loc] = s
	}
	ms, err := bakery.DischargeAll(context.Background(), &m, func(ctx context.Context, cav macaroon.Caveat, payload []byte) (*bakery.Macaroon, error) {
		s, ok := specs[cav.Location]
		if !ok {
			return nil, fmt.Errorf("no discharger at %q", cav.Location)
		}
		return bakery.Discharge(ctx, bakery.DischargeParams{
			Id: cav.Id, Caveat: payload, Key: s.KeyPair, Checker: s.checker(), Locator: locator(s.ThirdParties),
		})
	})
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return map[string]interface{}{"slice": ms}
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func verify(j job) interface{} {
	ms := make(macaroon.Slice, len(j.Slice))
	for i, raw := range j.Slice {
		var bm bakery.Macaroon
		if err := json.Unmarshal(raw, &bm); err != nil {
			return map[string]interface{}{"ok": false, "error": err.Error()}
		}
		ms[i] = bm.M()
	}
	checker := checkers.New(nil)
	ctx := checkers.ContextWithClock(context.Background(), fixedClock{time.Unix(0, j.NowMs*int64(time.Millisecond)).UTC()})
	ctx = checkers.ContextWithMacaroons(ctx, checker.Namespace(), ms)
	var errs []string
	err := ms[0].Verify(b64d(j.RootKey), func(cav string) error {
		err := checker.CheckFirstPartyCaveat(ctx, cav)
		if err != nil {
			errs = append(errs, err.Error())
		}
		return err
	}, ms[1:])
	if err != nil {
		msg := err.Error()
		if len(errs) > 0 {
			msg = strings.Join(errs, "; ")
		}
		return map[string]interface{}{"ok": false, "error": msg}
	}
	return map[string]interface{}{"ok": true}
}

func check(j job) interface{} {
	checker := checkers.New(nil)
	ctx := checkers.ContextWithClock(context.Background(), fixedClock{time.Unix(0, j.NowMs*int64(time.Millisecond)).UTC()})
	out := make([]map[string]interface{}, len(j.Conditions))
	for i, cond := range j.Conditions {
		if err := checker.CheckFirstPartyCaveat(ctx, cond); err != nil {
			out[i] = map[string]interface{}{"ok": false, "error": err.Error()}
		} else {
			out[i] = map[string]interface{}{"ok": true}
		}
	}
	return map[string]interface{}{"checks": out}
}

// bench mints a fresh macaroon with one third-party caveat and gets its discharge with DischargeAll
// (Discharge, then binding), as often as fits in j.Seconds: one public-key caveat end to end.
func bench(j job) interface{} {
	ctx := context.Background()
	svc := bakery.MustGenerateKey()
	tp := bakery.MustGenerateKey()
	loc := bakery.NewThirdPartyStore()
	loc.AddInfo("https://auth.example", bakery.ThirdPartyInfo{PublicKey: tp.Public, Version: bakery.Version(j.Version)})
	spec := dischargeSpec{Caveats: []caveatSpec{{Condition: "declared user alice"}}}
	checker := spec.checker()
	ns := checkers.New(nil).Namespace()
	n := 0
	start := time.Now()
	deadline := start.Add(time.Duration(j.Seconds * float64(time.Second)))
	for time.Now().Before(deadline) {
		m, err := bakery.NewMacaroon([]byte("kkkkkkkkkkkkkkkkkkkkkkkk"), []byte("bench"), "https://api.example", bakery.Version(j.Version), ns)
		if err != nil {
			panic(err)
		}
		if err := m.AddCaveat(ctx, checkers.Caveat{Condition: "is-user alice", Location: "https://auth.example"}, svc, loc); err != nil {
			panic(err)
		}
		if _, err := bakery.DischargeAll(ctx, m, func(ctx context.Context, cav macaroon.Caveat, payload []byte) (*bakery.Macaroon, error) {
			return bakery.Discharge(ctx, bakery.DischargeParams{Id: cav.Id, Caveat: payload, Key: tp, Checker: checker, Locator: loc})
		}); err != nil {
			panic(err)
		}
		n++
	}
	return map[string]interface{}{"iterations": n, "seconds": time.Since(start).Seconds()}
}

func keypair(j job) interface{} {
	return bakery.MustGenerateKey()
}

func run(j job) (result interface{}) {
	defer func() {
		if r := recover(); r != nil {
			result = map[string]string{"error": fmt.Sprintf("panic: %v", r)}
		}
	}()
	switch j.Kind {
	case "mint":
		return mint(j)
	case "discharge":
		return discharge(j)
	case "dischargeAll":
		return dischargeAll(j)
	case "verify":
		return verify(j)
	case "keypair":
		return keypair(j)
	case "check":
		return check(j)
	case "bench":
		return bench(j)
	}
	return map[string]string{"error": "unknown job " + j.Kind}
}

func main() {
	var req struct {
		Jobs []job `json:"jobs"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]interface{}, len(req.Jobs))
	for i, j := range req.Jobs {
		results[i] = run(j)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"results": results}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
