package mapping

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes the mapping as YAML with comments that say what each field takes and
// why Propose chose a column, for a person to check, edit and save.
func (m *Mapping) Marshal() []byte {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	doc.HeadComment = "Rapport import mapping: which column of the file feeds which field of a record.\n" +
		"Check it and edit it before importing; docs/import.md describes every key."
	add := func(key string, value *yaml.Node, comment string) {
		k := scalar(key)
		value.LineComment = comment
		if value.Kind != yaml.ScalarNode && value.Style != yaml.FlowStyle {
			k.LineComment, value.LineComment = comment, ""
		}
		doc.Content = append(doc.Content, k, value)
	}
	add("record", scalar(m.Record), "customers or interactions")
	if len(m.Dates) > 0 {
		add("dates", flow(m.Dates), note(m.notes["dates"], "how dates are written, tried in order: YYYY MM DD hh mm ss"))
	}
	if m.TimeZone != "" {
		add("timezone", scalar(m.TimeZone), "of times written without an offset")
	}
	if m.PhoneRegion != "" {
		add("phone_region", scalar(m.PhoneRegion), "country of phone numbers written without a country code")
	}
	if m.Separator != "" && m.Separator != ";" {
		add("separator", scalar(m.Separator), "between several values in one column")
	}
	if m.Decimal == "," {
		add("decimal", scalar(m.Decimal), note(m.notes["decimal"], "the decimal mark of amounts: 1.234,50"))
	}
	fields := &yaml.Node{Kind: yaml.MappingNode}
	var unmapped []string
	for _, f := range m.fields() {
		cols := m.Fields[f.name]
		if len(cols) == 0 {
			unmapped = append(unmapped, f.name)
			continue
		}
		v := scalar(cols[0])
		if len(cols) > 1 {
			v = flow(cols)
		}
		v.LineComment = note(m.notes[f.name], f.help)
		fields.Content = append(fields.Content, scalar(f.name), v)
	}
	add("fields", fields, "")
	if len(unmapped) > 0 {
		doc.Content[len(doc.Content)-2].HeadComment = "Not mapped: " + strings.Join(unmapped, ", ") + "."
	}
	if len(m.Defaults) > 0 {
		defaults := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range m.fields() {
			if v, ok := m.Defaults[f.name]; ok {
				defaults.Content = append(defaults.Content, scalar(f.name), scalar(v))
			}
		}
		add("defaults", defaults, note(m.notes["kind"], "a field's value where its columns are empty"))
	}
	if len(m.Attributes) > 0 {
		attrs := &yaml.Node{Kind: yaml.MappingNode}
		for _, a := range m.Attributes {
			attrs.Content = append(attrs.Content, scalar(a.Name), scalar(a.Column))
		}
		add("attributes", attrs, "custom attributes: name → column")
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}); err != nil {
		panic(err) // a tree built here always encodes
	}
	return b.Bytes()
}

func note(why, help string) string {
	if why != "" {
		return why
	}
	return help
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func flow(list []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range list {
		n.Content = append(n.Content, scalar(s))
	}
	return n
}
