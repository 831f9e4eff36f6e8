package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// Rendered is a message as it is sent: subject, plain text and HTML parts,
// and the link that stops the digest.
type Rendered struct {
	Subject     string
	Text        string
	HTML        string
	Unsubscribe string // absolute URL of the person's settings; "" for none
}

// view is what the templates see.
type view struct {
	Message
	Greeting    string
	Base        string
	Settings    string
	Unsubscribe string
}

// Render turns an outbox row's kind and params into the message sent to the
// recipient. base is the app's address (APP_URL).
func Render(kind string, params json.RawMessage, r store.Recipient, base string, reasons map[string]string) (Rendered, error) {
	m, subject, err := compose(kind, params, reasons)
	if err != nil {
		return Rendered{}, err
	}
	v := view{Message: m, Greeting: "Hello " + r.Name + ",", Base: base, Settings: base + "/settings/notifications"}
	if kind == "digest" {
		v.Unsubscribe = base + "/settings/notifications?stop=digest"
	}
	var text, html bytes.Buffer
	if err := textTemplate.Execute(&text, v); err != nil {
		return Rendered{}, err
	}
	if err := htmlTemplate.Execute(&html, v); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject, Text: text.String(), HTML: html.String(), Unsubscribe: v.Unsubscribe}, nil
}

// compose is the message of a kind: a digest or an escalation carries it
// whole; the immediate kinds enqueued by their causes carry their facts.
func compose(kind string, params json.RawMessage, reasons map[string]string) (Message, string, error) {
	switch kind {
	case "digest", "escalation":
		var m Message
		if err := json.Unmarshal(params, &m); err != nil {
			return m, "", fmt.Errorf("%s params: %w", kind, err)
		}
		if kind == "digest" {
			return m, "Casework daily digest for " + dateWords(m.Date), nil
		}
		subject := "Overdue high-risk report"
		if len(m.Sections) > 0 && len(m.Sections[0].Groups) > 0 && len(m.Sections[0].Groups[0].Items) > 0 {
			if c := caseOfLine(m.Sections[0].Groups[0].Items[0].Text); c != "" {
				subject += ": case " + c
			}
		}
		return m, subject, nil
	}
	it, subject, err := immediate(kind, params, reasons)
	if err != nil {
		return Message{}, "", err
	}
	return Message{Heading: subject, Sections: []Section{{Groups: []Group{{Items: []Item{it}}}}}}, subject, nil
}

// immediate is the one line and the subject of a message sent at once.
func immediate(kind string, params json.RawMessage, reasons map[string]string) (Item, string, error) {
	var p struct {
		Request        int64    `json:"request"`
		Case           string   `json:"case"`
		CaseID         int64    `json:"case_id"`
		Reason         string   `json:"reason"`
		ByRole         string   `json:"by_role"`
		RequestedOn    string   `json:"requested_on"`
		Level          string   `json:"level"`
		AssessedOn     string   `json:"assessed_on"`
		Conference     int64    `json:"conference"`
		ConferenceKind string   `json:"conference_kind"`
		HeldOn         string   `json:"held_on"`
		Cases          []string `json:"cases"`
		By             string   `json:"by"`
		At             string   `json:"at"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return Item{}, "", fmt.Errorf("%s params: %w", kind, err)
	}
	switch kind {
	case "emergent_request":
		who := "A supervisor"
		if p.ByRole == "worker" {
			who = "A worker"
		}
		what := "an emergent conference"
		if p.Case != "" {
			what += " on case " + p.Case
		}
		reason := reasons[p.Reason]
		if reason == "" {
			reason = "an emergent reason"
		}
		return Item{Text: fmt.Sprintf("%s asks you for %s (%s), asked %s: answer it on your area page.", who, what, reason, dateWords(p.RequestedOn)), Link: "/area#q-h"},
			"Emergent conference requested" + ifCase(p.Case), nil
	case "high_risk":
		return Item{Text: fmt.Sprintf("Case %s was assessed %s on %s: the supervisor owes you the report within a business day, then weekly reviews.",
				p.Case, levelWords(p.Level), dateWords(p.AssessedOn)), Link: "/cases/" + strconv.FormatInt(p.CaseID, 10)},
			"Case " + p.Case + " is now at " + levelWords(p.Level), nil
	case "shared_record":
		what := "supervision conference"
		if p.ConferenceKind == rules.KindCaseworkReview {
			what = "casework review"
		}
		cases := ""
		if len(p.Cases) > 0 {
			cases = " (cases " + strings.Join(p.Cases, ", ") + ")"
		}
		return Item{Text: fmt.Sprintf("The record of your %s of %s%s is shared with you: read and acknowledge it.", what, dateWords(p.HeldOn), cases),
				Link: "/conferences/" + strconv.FormatInt(p.Conference, 10)},
			"A conference record is shared with you", nil
	case "password_reset":
		return Item{Text: fmt.Sprintf("%s reset your Casework password on %s (agency time). Until you choose a new one, "+
				"whoever holds the temporary password can sign in as you. If you did not ask for this, tell your supervisor "+
				"and the agency's security contact.", p.By, p.At), Link: "/password"},
			"Your Casework password was reset", nil
	}
	return Item{}, "", fmt.Errorf("unknown kind %q", kind)
}

// heldLine is a held message as one line of the digest that carries it.
func heldLine(h store.HeldMessage, reasons map[string]string) (Item, bool) {
	if h.Kind == "escalation" {
		m, _, err := compose(h.Kind, h.Params, reasons)
		if err != nil || m.Empty() {
			return Item{}, false
		}
		it := m.Sections[0].Groups[0].Items[0]
		it.Text = "Escalated: " + it.Text
		return it, true
	}
	it, _, err := immediate(h.Kind, h.Params, reasons)
	return it, err == nil
}

func ifCase(c string) string {
	if c == "" {
		return ""
	}
	return ": case " + c
}

func dateWords(s string) string {
	if len(s) >= 10 {
		if d, err := rules.ParseDate(s[:10]); err == nil {
			return Day(d)
		}
	}
	return s
}

// caseOfLine reads the case number back from an ObligationLine.
func caseOfLine(line string) string {
	rest, ok := strings.CutPrefix(line, "Case ")
	if !ok {
		return ""
	}
	num, _, ok := strings.Cut(rest, ":")
	if !ok || num == "" || strings.ContainsAny(num, " \t") {
		return "" // "Case discussed in conference: ...", not a case
	}
	return num
}

var funcs = map[string]any{
	"abs": func(base, path string) string {
		if path == "" {
			return ""
		}
		return base + path
	},
	// lead splits "Case N: the rest" into the part to link and the rest.
	"lead": func(text string) []string {
		if c := caseOfLine(text); c != "" {
			return []string{"Case " + c, strings.TrimPrefix(text, "Case "+c)}
		}
		return []string{"", text}
	},
}

var textTemplate = texttemplate.Must(texttemplate.New("text").Funcs(funcs).Parse(`{{.Greeting}}

{{.Heading}}{{if .Date}} ({{.Date}}){{end}}
{{range .Sections}}{{if .Title}}
== {{.Title}} ==
{{end}}{{range $g := .Groups}}{{if .Heading}}
{{.Heading}}{{if .Link}} <{{abs $.Base .Link}}>{{end}}
{{end}}{{range .Items}}- {{.Text}}{{if and .Link (not $g.Link)}} <{{abs $.Base .Link}}>{{end}}
{{end}}{{end}}{{end}}
Open Casework: {{.Base}}/

Cases are named by number only: sign in to see more.
{{if .Unsubscribe}}Stop the daily digest: {{.Unsubscribe}}
{{end}}Choose what reaches you and how: {{.Settings}}
`))

var htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Heading}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2328">
<div style="max-width:640px;margin:0 auto;padding:24px 16px">
<p style="margin:0 0 4px;font-size:13px;color:#57606a">Casework</p>
<h1 style="margin:0 0 16px;font-size:22px">{{.Heading}}</h1>
<p style="margin:0 0 16px">{{.Greeting}}</p>
{{range .Sections}}<div style="background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:0 0 16px">
{{if .Title}}<h2 style="margin:0 0 8px;font-size:17px">{{.Title}}</h2>{{end}}
{{range .Groups}}{{if .Heading}}<h3 style="margin:12px 0 4px;font-size:15px">{{if .Link}}<a href="{{abs $.Base .Link}}" style="color:#0b57d0">{{.Heading}}</a>{{else}}{{.Heading}}{{end}}</h3>{{end}}
<ul style="margin:0 0 8px;padding-left:20px">{{range .Items}}<li style="margin:3px 0">{{$l := lead .Text}}{{if and .Link (index $l 0)}}<a href="{{abs $.Base .Link}}" style="color:#0b57d0;font-weight:bold;text-decoration:none">{{index $l 0}}</a>{{index $l 1}}{{else if .Link}}<a href="{{abs $.Base .Link}}" style="color:#0b57d0;text-decoration:none">{{.Text}}</a>{{else}}{{.Text}}{{end}}</li>{{end}}</ul>
{{end}}</div>
{{end}}<p style="margin:16px 0"><a href="{{.Base}}/" style="display:inline-block;background:#0b57d0;color:#fff;padding:8px 16px;border-radius:4px;text-decoration:none">Open Casework</a></p>
<p style="font-size:13px;color:#57606a">Cases are named by number only: sign in to see more.<br>
{{if .Unsubscribe}}<a href="{{.Unsubscribe}}" style="color:#57606a">Stop the daily digest</a> · {{end}}<a href="{{.Settings}}" style="color:#57606a">Choose what reaches you and how</a></p>
</div></body></html>
`))
