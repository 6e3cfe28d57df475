package synth

import (
	"slices"
	"strconv"
	"strings"
)

// country keeps everything about a person consistent with where they live:
// names, street style, cities with their own postcodes and phone formats.
type country struct {
	code   string
	weight float64 // share of persons

	female, male, family []string
	femaleFamily         []string // family names as women bear them; nil: same as family
	doubleFamily         float64  // share of persons with two family names (Spain, Portugal)

	cities []city
	// postcodes is how many postcodes a city has (the three largest, three times as
	// many): how finely the country's codes divide it, for a sample of its people.
	postcodes int
	streets   []string     // street names, most common first
	kinds     []streetKind // street types, most common first
	style     streetStyle

	callingCode string         // without "+"
	trunk       string         // national prefix, e.g. "0"; empty where numbers have none
	phones      []phonePattern // mobile and landline formats

	// Cumulative rank weights, filled in by prepare.
	femaleW, maleW, familyW, cityW, streetW, kindW weights
}

// city is a city with the postcodes that belong to it. Only base is written
// by hand; prepare derives a few neighbouring postcodes from it, so a moved
// address changes city and postcode together and consistently.
type city struct {
	name      string
	base      string
	postcodes []string
}

// streetKind is a street type in full and in the abbreviation clerks use.
type streetKind struct{ full, abbr string }

type streetStyle uint8

const (
	numberNameKind      streetStyle = iota // 12 Church Road
	numberKindName                         // 12 rue de la Paix
	kindNameNumber                         // Via Roma 12
	kindNameCommaNumber                    // Calle Mayor, 12
	nameKindNumber                         // Hauptstraße 12 (the type is a suffix)
)

// phonePattern is a number format: prefix follows the trunk or calling code,
// layout holds the subscriber digits as X (and spaces as written nationally).
type phonePattern struct {
	prefix, layout string
	digits         int // number of X in layout, filled in by prepare
}

// countries: nine countries, weighted roughly by population.
var countries = prepareCountries([]*country{
	{
		code: "GB", postcodes: 300, weight: 0.18,
		female: gbFemale, male: gbMale, family: gbFamily,
		cities: []city{
			{name: "London", base: "EC1A 1BB"}, {name: "Birmingham", base: "B1 1AA"},
			{name: "Manchester", base: "M1 1AE"}, {name: "Leeds", base: "LS1 4AP"},
			{name: "Glasgow", base: "G1 1XQ"}, {name: "Liverpool", base: "L1 8JQ"},
			{name: "Bristol", base: "BS1 4DJ"}, {name: "Sheffield", base: "S1 2HE"},
			{name: "Edinburgh", base: "EH1 1YZ"}, {name: "Cardiff", base: "CF10 1EP"},
			{name: "Leicester", base: "LE1 5WW"}, {name: "Newcastle upon Tyne", base: "NE1 7RU"},
			{name: "Nottingham", base: "NG1 5FS"}, {name: "Southampton", base: "SO14 7DU"},
			{name: "Brighton", base: "BN1 1EE"}, {name: "Plymouth", base: "PL1 2AA"},
			{name: "Reading", base: "RG1 1JX"}, {name: "Oxford", base: "OX1 2JD"},
			{name: "Cambridge", base: "CB2 1TN"}, {name: "York", base: "YO1 7HH"},
			{name: "Norwich", base: "NR2 1NH"}, {name: "Belfast", base: "BT1 5GS"},
			{name: "Aberdeen", base: "AB10 1AB"},
		},
		streets: []string{"Church", "High", "Station", "Park", "Victoria", "Green", "Manor",
			"Mill", "School", "Queens", "Kings", "London", "North", "Springfield", "Grange",
			"Windsor", "New", "Albert"},
		kinds: []streetKind{{"Road", "Rd"}, {"Street", "St"}, {"Lane", "Ln"}, {"Avenue", "Ave"},
			{"Close", "Cl"}, {"Drive", "Dr"}, {"Gardens", "Gdns"}},
		style:       numberNameKind,
		callingCode: "44", trunk: "0",
		phones: []phonePattern{{prefix: "7700", layout: " XXXXXX"}, {prefix: "7911", layout: " XXXXXX"},
			{prefix: "7823", layout: " XXXXXX"}, {prefix: "20", layout: " XXXX XXXX"},
			{prefix: "161", layout: " XXX XXXX"}, {prefix: "121", layout: " XXX XXXX"},
			{prefix: "113", layout: " XXX XXXX"}, {prefix: "131", layout: " XXX XXXX"}},
	},
	{
		code: "DE", postcodes: 25, weight: 0.18,
		female: deFemale, male: deMale, family: deFamily,
		cities: []city{
			{name: "Berlin", base: "10115"}, {name: "Hamburg", base: "20095"},
			{name: "München", base: "80331"}, {name: "Köln", base: "50667"},
			{name: "Frankfurt am Main", base: "60311"}, {name: "Stuttgart", base: "70173"},
			{name: "Düsseldorf", base: "40210"}, {name: "Leipzig", base: "04109"},
			{name: "Dortmund", base: "44135"}, {name: "Essen", base: "45127"},
			{name: "Bremen", base: "28195"}, {name: "Dresden", base: "01067"},
			{name: "Hannover", base: "30159"}, {name: "Nürnberg", base: "90402"},
			{name: "Duisburg", base: "47051"}, {name: "Bochum", base: "44787"},
			{name: "Wuppertal", base: "42103"}, {name: "Bielefeld", base: "33602"},
			{name: "Bonn", base: "53111"}, {name: "Münster", base: "48143"},
			{name: "Mannheim", base: "68159"}, {name: "Karlsruhe", base: "76133"},
			{name: "Augsburg", base: "86150"}, {name: "Freiburg im Breisgau", base: "79098"},
			{name: "Lübeck", base: "23552"},
		},
		streets: []string{"Haupt", "Bahnhof", "Schul", "Garten", "Kirch", "Dorf", "Berg",
			"Wald", "Linden", "Goethe", "Schiller", "Mozart", "Birken", "Ring", "Feld"},
		kinds: []streetKind{{"straße", "str."}, {"weg", "weg"}, {"allee", "allee"},
			{"platz", "pl."}},
		style:       nameKindNumber,
		callingCode: "49", trunk: "0",
		phones: []phonePattern{{prefix: "30", layout: " XXXXXXX"}, {prefix: "40", layout: " XXXXXXX"},
			{prefix: "89", layout: " XXXXXXX"}, {prefix: "221", layout: " XXXXXXX"},
			{prefix: "69", layout: " XXXXXXXX"}, {prefix: "151", layout: " XXXXXXXX"},
			{prefix: "160", layout: " XXXXXXX"}, {prefix: "170", layout: " XXXXXXX"},
			{prefix: "176", layout: " XXXXXXXX"}},
	},
	{
		code: "FR", postcodes: 25, weight: 0.14,
		female: frFemale, male: frMale, family: frFamily,
		cities: []city{
			{name: "Paris", base: "75001"}, {name: "Marseille", base: "13001"},
			{name: "Lyon", base: "69001"}, {name: "Toulouse", base: "31000"},
			{name: "Nice", base: "06000"}, {name: "Nantes", base: "44000"},
			{name: "Strasbourg", base: "67000"}, {name: "Montpellier", base: "34000"},
			{name: "Bordeaux", base: "33000"}, {name: "Lille", base: "59000"},
			{name: "Rennes", base: "35000"}, {name: "Reims", base: "51100"},
			{name: "Le Havre", base: "76600"}, {name: "Saint-Étienne", base: "42000"},
			{name: "Toulon", base: "83000"}, {name: "Grenoble", base: "38000"},
			{name: "Dijon", base: "21000"}, {name: "Angers", base: "49000"},
			{name: "Nîmes", base: "30000"}, {name: "Villeurbanne", base: "69100"},
			{name: "Clermont-Ferrand", base: "63000"}, {name: "Le Mans", base: "72000"},
			{name: "Aix-en-Provence", base: "13090"}, {name: "Brest", base: "29200"},
		},
		streets: []string{"de la Paix", "Victor Hugo", "Jean Jaurès", "de la République",
			"du Moulin", "des Écoles", "Pasteur", "de la Gare", "Voltaire",
			"du Général de Gaulle", "Émile Zola", "des Lilas", "Gambetta", "de Verdun",
			"du Château"},
		kinds: []streetKind{{"rue", "r."}, {"avenue", "av."}, {"boulevard", "bd"},
			{"place", "pl."}, {"allée", "all."}, {"chemin", "ch."}},
		style:       numberKindName,
		callingCode: "33", trunk: "0",
		phones: []phonePattern{{prefix: "6", layout: " XX XX XX XX"}, {prefix: "7", layout: " XX XX XX XX"},
			{prefix: "1", layout: " XX XX XX XX"}, {prefix: "4", layout: " XX XX XX XX"},
			{prefix: "5", layout: " XX XX XX XX"}},
	},
	{
		code: "ES", postcodes: 30, weight: 0.10,
		female: esFemale, male: esMale, family: esFamily, doubleFamily: 0.7,
		cities: []city{
			{name: "Madrid", base: "28001"}, {name: "Barcelona", base: "08001"},
			{name: "Valencia", base: "46001"}, {name: "Sevilla", base: "41001"},
			{name: "Zaragoza", base: "50001"}, {name: "Málaga", base: "29001"},
			{name: "Murcia", base: "30001"}, {name: "Palma", base: "07001"},
			{name: "Las Palmas de Gran Canaria", base: "35001"}, {name: "Bilbao", base: "48001"},
			{name: "Alicante", base: "03001"}, {name: "Córdoba", base: "14001"},
			{name: "Valladolid", base: "47001"}, {name: "Vigo", base: "36201"},
			{name: "Gijón", base: "33201"}, {name: "A Coruña", base: "15001"},
			{name: "Granada", base: "18001"}, {name: "Vitoria-Gasteiz", base: "01001"},
			{name: "Elche", base: "03201"}, {name: "Oviedo", base: "33001"},
			{name: "Santander", base: "39001"}, {name: "Pamplona", base: "31001"},
			{name: "Salamanca", base: "37001"},
		},
		streets: []string{"Mayor", "Real", "de Alcalá", "del Sol", "San Juan",
			"de la Constitución", "Nueva", "del Carmen", "de Cervantes", "Gran Vía",
			"de la Paz", "San Francisco", "del Río", "Santa María"},
		kinds: []streetKind{{"Calle", "C/"}, {"Avenida", "Avda."}, {"Plaza", "Pza."},
			{"Paseo", "Pº"}, {"Camino", "Cmno."}},
		style:       kindNameCommaNumber,
		callingCode: "34",
		phones: []phonePattern{{prefix: "6", layout: "XX XXX XXX"}, {prefix: "7", layout: "XX XXX XXX"},
			{prefix: "91", layout: " XXX XX XX"}, {prefix: "93", layout: " XXX XX XX"},
			{prefix: "96", layout: " XXX XX XX"}},
	},
	{
		code: "PT", postcodes: 200, weight: 0.05,
		female: ptFemale, male: ptMale, family: ptFamily, doubleFamily: 0.5,
		cities: []city{
			{name: "Lisboa", base: "1100-148"}, {name: "Porto", base: "4000-322"},
			{name: "Vila Nova de Gaia", base: "4400-001"}, {name: "Amadora", base: "2700-010"},
			{name: "Braga", base: "4700-001"}, {name: "Coimbra", base: "3000-001"},
			{name: "Funchal", base: "9000-001"}, {name: "Setúbal", base: "2900-001"},
			{name: "Almada", base: "2800-001"}, {name: "Aveiro", base: "3800-001"},
			{name: "Faro", base: "8000-001"}, {name: "Évora", base: "7000-001"},
			{name: "Viseu", base: "3500-001"}, {name: "Leiria", base: "2400-001"},
			{name: "Guimarães", base: "4800-001"}, {name: "Matosinhos", base: "4450-001"},
			{name: "Odivelas", base: "2675-001"}, {name: "Sintra", base: "2710-001"},
			{name: "Cascais", base: "2750-001"}, {name: "Barreiro", base: "2830-001"},
			{name: "Ponta Delgada", base: "9500-001"}, {name: "Viana do Castelo", base: "4900-001"},
		},
		streets: []string{"Augusta", "da Liberdade", "do Carmo", "de São Bento",
			"da República", "dos Combatentes", "de Santo António", "Direita", "Nova",
			"da Igreja", "do Comércio", "25 de Abril", "Dom Afonso Henriques", "das Flores"},
		kinds: []streetKind{{"Rua", "R."}, {"Avenida", "Av."}, {"Travessa", "Tv."},
			{"Largo", "Lg."}, {"Praça", "Pç."}},
		style:       kindNameCommaNumber,
		callingCode: "351",
		phones: []phonePattern{{prefix: "91", layout: "X XXX XXX"}, {prefix: "93", layout: "X XXX XXX"},
			{prefix: "96", layout: "X XXX XXX"}, {prefix: "21", layout: "X XXX XXX"},
			{prefix: "22", layout: "X XXX XXX"}},
	},
	{
		code: "IT", postcodes: 25, weight: 0.12,
		female: itFemale, male: itMale, family: itFamily,
		cities: []city{
			{name: "Roma", base: "00118"}, {name: "Milano", base: "20121"},
			{name: "Napoli", base: "80121"}, {name: "Torino", base: "10121"},
			{name: "Palermo", base: "90121"}, {name: "Genova", base: "16121"},
			{name: "Bologna", base: "40121"}, {name: "Firenze", base: "50121"},
			{name: "Bari", base: "70121"}, {name: "Catania", base: "95121"},
			{name: "Venezia", base: "30121"}, {name: "Verona", base: "37121"},
			{name: "Messina", base: "98121"}, {name: "Padova", base: "35121"},
			{name: "Trieste", base: "34121"}, {name: "Brescia", base: "25121"},
			{name: "Parma", base: "43121"}, {name: "Taranto", base: "74121"},
			{name: "Prato", base: "59100"}, {name: "Modena", base: "41121"},
			{name: "Reggio Calabria", base: "89121"}, {name: "Perugia", base: "06121"},
			{name: "Cagliari", base: "09121"},
		},
		streets: []string{"Roma", "Garibaldi", "Giuseppe Verdi", "Dante Alighieri", "Mazzini",
			"XX Settembre", "Cavour", "Vittorio Emanuele II", "Marconi", "della Repubblica",
			"Matteotti", "Umberto I", "San Giovanni", "dei Mille"},
		kinds: []streetKind{{"Via", "V."}, {"Viale", "V.le"}, {"Piazza", "P.zza"},
			{"Corso", "C.so"}, {"Vicolo", "Vic."}},
		style:       kindNameNumber,
		callingCode: "39",
		phones: []phonePattern{{prefix: "3", layout: "XX XXX XXXX"}, {prefix: "06", layout: " XXXX XXXX"},
			{prefix: "02", layout: " XXXX XXXX"}, {prefix: "011", layout: " XXX XXXX"}},
	},
	{
		code: "PL", postcodes: 60, weight: 0.09,
		female: plFemale, male: plMale, family: plFamily, femaleFamily: feminine(plFamily),
		cities: []city{
			{name: "Warszawa", base: "00-001"}, {name: "Kraków", base: "30-001"},
			{name: "Łódź", base: "90-001"}, {name: "Wrocław", base: "50-001"},
			{name: "Poznań", base: "60-001"}, {name: "Gdańsk", base: "80-001"},
			{name: "Szczecin", base: "70-001"}, {name: "Bydgoszcz", base: "85-001"},
			{name: "Lublin", base: "20-001"}, {name: "Białystok", base: "15-001"},
			{name: "Katowice", base: "40-001"}, {name: "Gdynia", base: "81-001"},
			{name: "Częstochowa", base: "42-200"}, {name: "Radom", base: "26-600"},
			{name: "Toruń", base: "87-100"}, {name: "Sosnowiec", base: "41-200"},
			{name: "Rzeszów", base: "35-001"}, {name: "Kielce", base: "25-001"},
			{name: "Gliwice", base: "44-100"}, {name: "Olsztyn", base: "10-001"},
			{name: "Zabrze", base: "41-800"}, {name: "Opole", base: "45-001"},
		},
		streets: []string{"Długa", "Mickiewicza", "Kościuszki", "Słowackiego", "Polna",
			"Leśna", "Ogrodowa", "Lipowa", "Szkolna", "Kwiatowa", "Sienkiewicza",
			"Jana Pawła II", "Piłsudskiego", "Kolejowa", "Sportowa"},
		kinds:       []streetKind{{"ul.", ""}, {"al.", "Al."}, {"pl.", "Pl."}},
		style:       kindNameNumber,
		callingCode: "48",
		phones: []phonePattern{{prefix: "5", layout: "XX XXX XXX"}, {prefix: "6", layout: "XX XXX XXX"},
			{prefix: "7", layout: "XX XXX XXX"}, {prefix: "8", layout: "XX XXX XXX"},
			{prefix: "22", layout: " XXX XX XX"}, {prefix: "12", layout: " XXX XX XX"}},
	},
	{
		code: "NL", postcodes: 300, weight: 0.07,
		female: nlFemale, male: nlMale, family: nlFamily,
		cities: []city{
			{name: "Amsterdam", base: "1011 AB"}, {name: "Rotterdam", base: "3011 AA"},
			{name: "Den Haag", base: "2511 BT"}, {name: "Utrecht", base: "3511 LX"},
			{name: "Eindhoven", base: "5611 AZ"}, {name: "Groningen", base: "9711 LM"},
			{name: "Tilburg", base: "5011 AB"}, {name: "Almere", base: "1315 HT"},
			{name: "Breda", base: "4811 BC"}, {name: "Nijmegen", base: "6511 PP"},
			{name: "Apeldoorn", base: "7311 KZ"}, {name: "Haarlem", base: "2011 RK"},
			{name: "Arnhem", base: "6811 CA"}, {name: "Enschede", base: "7511 JR"},
			{name: "Amersfoort", base: "3811 BH"}, {name: "Zaandam", base: "1506 DC"},
			{name: "'s-Hertogenbosch", base: "5211 HX"}, {name: "Zwolle", base: "8011 PK"},
			{name: "Leiden", base: "2311 EZ"}, {name: "Maastricht", base: "6211 CD"},
			{name: "Dordrecht", base: "3311 BW"}, {name: "Delft", base: "2611 GV"},
		},
		streets: []string{"Kerk", "Dorps", "Molen", "School", "Stations", "Wilhelmina",
			"Juliana", "Beatrix", "Nieuwe", "Hoofd", "Linden", "Prinsen", "Oranje", "Eiken"},
		kinds: []streetKind{{"straat", "str."}, {"weg", "weg"}, {"laan", "ln."},
			{"plein", "pl."}, {"gracht", "gr."}},
		style:       nameKindNumber,
		callingCode: "31", trunk: "0",
		phones: []phonePattern{{prefix: "6", layout: " XXXXXXXX"}, {prefix: "20", layout: " XXX XXXX"},
			{prefix: "10", layout: " XXX XXXX"}, {prefix: "30", layout: " XXX XXXX"},
			{prefix: "70", layout: " XXX XXXX"}},
	},
	{
		code: "SE", postcodes: 60, weight: 0.07,
		female: seFemale, male: seMale, family: seFamily,
		cities: []city{
			{name: "Stockholm", base: "111 20"}, {name: "Göteborg", base: "411 01"},
			{name: "Malmö", base: "211 20"}, {name: "Uppsala", base: "753 10"},
			{name: "Västerås", base: "721 30"}, {name: "Örebro", base: "702 10"},
			{name: "Linköping", base: "582 22"}, {name: "Helsingborg", base: "252 20"},
			{name: "Jönköping", base: "553 15"}, {name: "Norrköping", base: "602 20"},
			{name: "Lund", base: "222 20"}, {name: "Umeå", base: "903 25"},
			{name: "Gävle", base: "803 10"}, {name: "Borås", base: "503 30"},
			{name: "Södertälje", base: "151 30"}, {name: "Eskilstuna", base: "632 20"},
			{name: "Halmstad", base: "302 40"}, {name: "Växjö", base: "352 30"},
			{name: "Karlstad", base: "652 25"}, {name: "Sundsvall", base: "852 30"},
			{name: "Luleå", base: "972 30"}, {name: "Östersund", base: "831 30"},
		},
		streets: []string{"Stor", "Kyrko", "Skol", "Drottning", "Kungs", "Ny", "Björk", "Ek",
			"Sjö", "Park", "Strand", "Järnvägs", "Tall", "Ängs"},
		kinds: []streetKind{{"gatan", "g."}, {"vägen", "v."}, {"gränd", "gr."},
			{"stigen", "st."}},
		style:       nameKindNumber,
		callingCode: "46", trunk: "0",
		phones: []phonePattern{{prefix: "70", layout: " XXX XX XX"}, {prefix: "72", layout: " XXX XX XX"},
			{prefix: "73", layout: " XXX XX XX"}, {prefix: "8", layout: " XXX XXX XX"},
			{prefix: "31", layout: " XXX XX XX"}, {prefix: "40", layout: " XX XX XX"}},
	},
})

// countryW picks a country by weight.
var countryW = func() weights {
	w := make(weights, len(countries))
	sum := 0.0
	for i, c := range countries {
		sum += c.weight
		w[i] = sum
	}
	return w
}()

func prepareCountries(cs []*country) []*country {
	for _, c := range cs {
		c.femaleW = rankWeights(len(c.female))
		c.maleW = rankWeights(len(c.male))
		c.familyW = rankWeights(len(c.family))
		c.cityW = rankWeights(len(c.cities))
		c.streetW = rankWeights(len(c.streets))
		c.kindW = rankWeights(len(c.kinds))
		if c.femaleFamily == nil {
			c.femaleFamily = c.family
		}
		for i := range c.cities {
			// The largest cities (listed first) get more postcodes.
			n := c.postcodes
			if i < 3 {
				n *= 3
			}
			c.cities[i].postcodes = postcodeVariants(c.cities[i].base, n)
		}
		for i := range c.phones {
			c.phones[i].digits = strings.Count(c.phones[i].layout, "X")
		}
	}
	return cs
}

// feminine returns the Polish family names as women bear them:
// Kowalski → Kowalska, Zawadzki → Zawadzka; Nowak stays Nowak.
func feminine(family []string) []string {
	out := make([]string, len(family))
	for i, f := range family {
		if strings.HasSuffix(f, "ki") {
			f = f[:len(f)-1] + "a"
		}
		out[i] = f
	}
	return out
}

// postcodeVariants derives n postcodes from base, the neighbours that follow it in the
// country's format: codes that end in letters count up through their letters and the
// digit before them ("M1 1AE" → "M1 1AF" … "M1 1AZ", "M1 1BA" … "M1 2AE" …), codes of
// digits only count up their last run of digits ("10115" → "10116", "1100-148" →
// "1100-149"), as many as the run can hold.
func postcodeVariants(base string, n int) []string {
	end := strings.LastIndexAny(base, "0123456789") + 1
	start := end
	for start > 0 && isDigit(base[start-1]) {
		start--
	}
	width := end - start
	v, _ := strconv.Atoi(base[start:end])
	letters := []byte(base[end:])
	mod := 1
	for range width {
		mod *= 10
	}
	places := mod // how many codes the letters and digits can hold
	for _, ch := range letters {
		if ch >= 'A' && ch <= 'Z' {
			places *= 26
		}
	}
	out := make([]string, min(n, places))
	for i := range out {
		// i written in mixed radix: the letters (A–Z) are the lowest places, then the
		// digits.
		suffix := slices.Clone(letters)
		rest := i
		for j := len(suffix) - 1; j >= 0; j-- {
			if c := suffix[j]; c >= 'A' && c <= 'Z' {
				sum := int(c-'A') + rest%26
				suffix[j], rest = byte('A'+sum%26), rest/26+sum/26
			}
		}
		b := []byte(base[:start])
		b = appendPadded(b, (v+rest)%mod, width)
		out[i] = string(append(b, suffix...))
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// domains are all reserved for documentation (RFC 2606, RFC 6761), so no
// generated address can reach anybody.
var domains = []string{"example.com", "mail.example", "example.org", "post.example",
	"example.net", "inbox.example", "web.example"}

var domainW = rankWeights(len(domains))
