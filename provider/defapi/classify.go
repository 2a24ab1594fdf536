package defapi

import (
	"net/http"
	"strings"

	"github.com/pixform/pixform/provider"
)

// API.md gives code 1 to every refusal on submit, whatever its cause (an
// invalid parameter, a bad key), and says a key also fails when the account
// is disabled or out of balance; the real service says so with an HTTP 200
// and {"code": 1, "message": "insufficient balance"}. The code cannot tell
// those apart, so where it is 1 the service's own words decide. Both the
// envelope (HTTP 200) and an HTTP error status are classified here.

// envelopeKind classifies a refusal carried in an HTTP 200 envelope by its
// code and words. The codes that look like HTTP statuses mean what the
// statuses do; any other code (1 above all) is a refused request unless
// the words name the account, the key, or (on a query) a missing task.
func envelopeKind(op string, code int, msg, detail string) provider.Kind {
	switch {
	case code == http.StatusPaymentRequired || refusesAccount(msg, detail):
		return provider.KindAccount
	case code == http.StatusUnauthorized || code == http.StatusForbidden || refusesKey(msg, detail):
		return provider.KindAuth
	case op == "query" && (code == http.StatusNotFound || strings.Contains(strings.ToLower(msg), "not found")):
		return provider.KindNotFound
	case code == http.StatusTooManyRequests:
		return provider.KindRateLimited
	case code >= 500 && code <= 599:
		return provider.KindTransient
	}
	return provider.KindBadRequest
}

// accountWords name a refused account: it cannot pay, or it is not allowed
// to (disabled, suspended). suspendedWords count only beside "account": a
// "disabled model" is a refused request.
var (
	accountWords   = []string{"balance", "credit", "fund", "quota", "payment", "billing", "recharge", "top up", "top-up", "arrear"}
	suspendedWords = []string{"disabled", "suspended", "banned", "frozen", "blocked", "inactive"}
	keyWords       = []string{"api key", "api-key", "apikey", "api_key", "unauthorized", "unauthorised", "authentication", "invalid token"}
)

// refusesAccount reports whether the service's words say the account, not
// the key or the request, is what it refuses.
func refusesAccount(msg, detail string) bool {
	said := strings.ToLower(msg + " " + detail)
	if containsAny(said, accountWords) {
		return true
	}
	return strings.Contains(said, "account") && containsAny(said, suspendedWords)
}

// refusesKey reports whether the service's words say the key is refused.
func refusesKey(msg, detail string) bool {
	return containsAny(strings.ToLower(msg+" "+detail), keyWords)
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
