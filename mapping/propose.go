package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/fold"
)

// headerNames are the usual names of each field's column, folded (lower case, letters
// and digits only): English first, then the commoner German, French, Spanish,
// Portuguese and Italian ones.
var headerNames = map[string]map[string][]string{
	Customers: {
		"source_id":         {"id", "customerid", "clientid", "accountid", "customerno", "customernumber", "clientnumber", "accountnumber", "ref", "reference", "externalid", "sourceid", "kundennummer", "kundenid"},
		"kind":              {"kind", "customerkind", "customertype", "clienttype", "entitytype", "partytype"},
		"name":              {"name", "fullname", "customername", "clientname", "displayname", "contactname", "nomecompleto"},
		"given_name":        {"firstname", "givenname", "given", "forename", "first", "vorname", "prenom", "nombre", "primeironome", "nome"},
		"family_name":       {"lastname", "surname", "familyname", "last", "nachname", "nom", "apellido", "apellidos", "sobrenome", "apelido", "cognome"},
		"emails":            {"email", "emailaddress", "mail", "emails", "email1", "email2", "workemail", "personalemail", "courriel", "correo", "correoelectronico"},
		"phones":            {"phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "cellphone", "workphone", "homephone", "phones", "telefon", "telefono", "telefone", "handy", "portable", "telemovel"},
		"date_of_birth":     {"dob", "dateofbirth", "birthdate", "birthday", "born", "geburtsdatum", "datedenaissance", "fechadenacimiento", "datadenascimento"},
		"street":            {"street", "address", "address1", "addressline1", "streetaddress", "street1", "strasse", "adresse", "rue", "calle", "direccion", "rua", "morada", "endereco", "indirizzo"},
		"city":              {"city", "town", "locality", "ort", "stadt", "ville", "ciudad", "cidade", "localidade", "citta"},
		"postcode":          {"postcode", "postalcode", "zip", "zipcode", "postcodezip", "plz", "codepostal", "codigopostal", "cap"},
		"region":            {"region", "state", "county", "province", "bundesland", "provincia", "distrito", "estado"},
		"country":           {"country", "countrycode", "countryname", "land", "pays", "pais", "paese"},
		"language":          {"language", "lang", "locale", "preferredlanguage", "sprache", "langue", "idioma", "lingua"},
		"preferred_channel": {"preferredchannel", "channel", "contactpreference"},
		"relationships":     {"relationship", "relationships", "relation"},
		"tags":              {"tags", "tag", "labels", "label"},
	},
	Interactions: {
		"source_id":          {"id", "interactionid", "eventid", "transactionid", "orderid", "invoiceid", "ticketid", "activityid", "sourceid", "reference", "ref", "bestellnummer", "rechnungsnummer", "numerocommande", "numeropedido"},
		"customer_source_id": {"customerid", "clientid", "accountid", "customer", "customerno", "customernumber", "customerref", "contactid", "kundennummer"},
		"type":               {"type", "interactiontype", "eventtype", "activitytype", "kind", "typ", "tipo"},
		"channel":            {"channel", "medium", "via", "kanal", "canal", "canale"},
		"occurred_at":        {"occurredat", "date", "datetime", "timestamp", "time", "when", "createdat", "orderdate", "invoicedate", "eventdate", "datum", "fecha", "data"},
		"summary":            {"summary", "subject", "title", "description", "betreff", "asunto", "assunto", "titel", "titre", "titulo", "titolo"},
		"body":               {"body", "notes", "note", "text", "message", "content", "details", "comment", "comments"},
		"amount":             {"amount", "total", "value", "price", "sum", "net", "gross", "betrag", "montant", "importe", "valor"},
		"currency":           {"currency", "curr", "currencycode", "wahrung", "waehrung", "devise", "moneda", "moeda", "valuta"},
	},
}

// organisationNames name a column of organisation names: the customer's name in a file
// of organisations, the employer's in a file of people (kept as an attribute then).
var organisationNames = []string{"company", "companyname", "organisation", "organization", "organisationname", "organizationname",
	"accountname", "business", "businessname", "firma", "empresa", "societe", "azienda"}

// foldHeader is the form headers are compared in: "First Name", "first_name" and
// "FIRSTNAME" are all "firstname".
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range fold.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AttributeName turns a column name into an attribute name: "Loyalty Tier" becomes
// loyalty_tier.
func AttributeName(column string) string {
	var b strings.Builder
	for _, w := range fold.Words(column) {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(w)
	}
	if b.Len() == 0 {
		return "column"
	}
	return b.String()
}

var (
	emailValue = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phoneValue = regexp.MustCompile(`^(\+|00)?[\d\s().\-/]{6,20}$`)
	// dateShape is three numbers written as a date is (2023-04-05, 05.04.2023,
	// 4/5/23), even one that is no real date: such a column is not phone numbers.
	dateShape = regexp.MustCompile(`^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$`)
)

// Propose drafts a mapping for a file of record (Customers or Interactions) from its
// header and first rows: columns are matched by their names in several spellings and
// languages, then by their values (e-mail addresses, phone numbers, dates); the
// layout of dates is read from the values. What is left is kept as attributes. Each
// choice is explained in a comment when the mapping is marshalled.
func Propose(record string, header []string, sample [][]string) *Mapping {
	m := &Mapping{Record: record, Fields: map[string]Columns{}, notes: map[string]string{}}
	column := func(i int) []string {
		var vals []string
		for _, row := range sample {
			if i < len(row) && strings.TrimSpace(row[i]) != "" {
				vals = append(vals, strings.TrimSpace(row[i]))
			}
		}
		return vals
	}
	used := make([]bool, len(header))
	take := func(f string, i int, why string) {
		if !isMulti(m, f) && len(m.Fields[f]) > 0 {
			return // the first column of a one-value field wins; the rest become attributes
		}
		m.Fields[f] = append(m.Fields[f], header[i])
		used[i] = true
		if why != "" && m.notes[f] == "" {
			m.notes[f] = why
		}
	}
	// By name, in the order of the field list, so that "id" is the record's own id.
	names := headerNames[record]
	for _, f := range m.fields() {
		for i, h := range header {
			if !used[i] && slices.Contains(names[f.name], foldHeader(h)) {
				take(f.name, i, "")
			}
		}
	}
	if record == Customers && len(m.Fields["given_name"])+len(m.Fields["family_name"])+len(m.Fields["name"]) == 0 {
		for i, h := range header {
			if !used[i] && slices.Contains(organisationNames, foldHeader(h)) {
				take("name", i, "")
			}
		}
	}
	// By values, for the columns no name explained.
	dateField := "date_of_birth"
	if record == Interactions {
		dateField = "occurred_at"
	}
	for i := range header {
		vals := column(i)
		if used[i] || len(vals) == 0 {
			continue
		}
		switch {
		case all(vals, emailValue.MatchString):
			take("emails", i, "its values are e-mail addresses")
		case len(m.Fields[dateField]) == 0 && isDates(vals):
			take(dateField, i, "its values are dates")
		case record == Customers && all(vals, looksLikePhone):
			take("phones", i, "its values are phone numbers")
		}
	}
	if cols := m.Fields[dateField]; len(cols) > 0 {
		for i, h := range header {
			if h == cols[0] {
				if layout, note, ok := detectLayout(column(i)); ok {
					if layout != "" {
						m.Dates = []string{layout}
					}
					if note != "" {
						m.notes["dates"] = note
					}
				}
			}
		}
	}
	if cols := m.Fields["amount"]; len(cols) > 0 {
		if vals := column(slices.Index(header, cols[0])); rapport.WrittenDecimal(vals...) == ',' {
			m.Decimal = ","
			m.notes["decimal"] = "its amounts are written with a decimal comma, such as " + vals[0]
		}
	}
	for _, f := range m.fields() { // several columns of a field in file order
		if f.multi {
			slices.SortFunc(m.Fields[f.name], func(a, b string) int { return slices.Index(header, a) - slices.Index(header, b) })
		}
	}
	if record == Customers {
		nameColumn := -1
		if cols := m.Fields["name"]; len(cols) > 0 {
			nameColumn = slices.Index(header, cols[0])
		}
		m.proposeKind(header, nameColumn, column)
	}
	if len(m.Fields["source_id"]) == 0 && len(m.Fields["emails"]) > 0 {
		m.Fields["source_id"] = Columns{m.Fields["emails"][0]}
		m.notes["source_id"] = "no id column was found: the e-mail address stands in; use the source system's id if it has one"
	}
	taken := map[string]bool{}
	for i, h := range header {
		if !used[i] {
			name := AttributeName(h)
			for n := 2; taken[name]; n++ { // "Notes" and "notes" both kept
				name = fmt.Sprintf("%s_%d", AttributeName(h), n)
			}
			taken[name] = true
			m.Attributes = append(m.Attributes, Attribute{name, h})
		}
	}
	_ = m.check() // prepares it for use; what it lacks, Parse of its YAML reports
	return m
}

// proposeKind sets the default kind: people when there are personal names; when
// there is only a name column, organisations if its header names them ("Company") or
// most of its names carry an organisation's word (Acme GmbH, Berg & Co), else people.
func (m *Mapping) proposeKind(header []string, nameColumn int, column func(int) []string) {
	if len(m.Fields["kind"]) > 0 {
		return
	}
	m.Defaults = map[string]string{"kind": "person"}
	if len(m.Fields["given_name"]) > 0 || len(m.Fields["family_name"]) > 0 || nameColumn < 0 {
		return
	}
	names := column(nameColumn)
	orgs := 0
	for _, name := range names {
		if looksLikeOrganisation(name) {
			orgs++
		}
	}
	switch {
	case slices.Contains(organisationNames, foldHeader(header[nameColumn])):
		m.Defaults["kind"] = "organisation"
		m.notes["kind"] = "the name column names organisations"
	case 2*orgs > len(names):
		m.Defaults["kind"] = "organisation"
		m.notes["kind"] = fmt.Sprintf("%d of the %d names read as organisations' (Ltd, GmbH, & Co …); map a kind column if the file mixes people and organisations", orgs, len(names))
	default:
		m.notes["kind"] = fmt.Sprintf("%d of the %d names read as organisations' (Ltd, GmbH, & Co …): the rest are taken for people; map a kind column if the file mixes them", orgs, len(names))
	}
}

// organisationWords are words, folded, that mark a name as an organisation's: legal
// forms in the languages of headerNames and the Nordic ones, and common others.
var organisationWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ltd limited llc llp inc incorporated corp corporation company co plc pty pte
		gmbh mbh ag kg ohg ug ev se sa sas sarl srl spa sl slu bv nv vof as asa aps ab oy oyj hf
		lda ltda eireli kft zrt sro spolka group holding holdings bank university universitat universite
		foundation stiftung association verein ministry council`) {
		organisationWords[w] = true
	}
}

// looksLikeOrganisation reports whether a name carries an organisation's word or an
// ampersand ("Berg & Co", "A/S").
func looksLikeOrganisation(name string) bool {
	if strings.Contains(name, "&") {
		return true
	}
	words := fold.Words(name)
	for i, w := range words {
		if organisationWords[w] || (w == "a" && i+1 < len(words) && words[i+1] == "s") { // A/S
			return true
		}
	}
	return false
}

func isMulti(m *Mapping, name string) bool {
	f, _ := m.fieldByName(name)
	return f.multi
}

func looksLikePhone(s string) bool {
	if !phoneValue.MatchString(s) || dateShape.MatchString(s) {
		return false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7 && digits <= 15
}

func isDates(vals []string) bool {
	_, _, ok := detectLayout(vals)
	return ok
}

func all(vals []string, pred func(string) bool) bool {
	for _, v := range vals {
		if !pred(v) {
			return false
		}
	}
	return len(vals) > 0
}
