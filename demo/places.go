package demo

import (
	"math/rand/v2"
	"strings"
)

// country is what the generator needs to make believable customers of one country:
// names with their real spelling, addresses, phone numbers, money and company names.
type country struct {
	code     string  // ISO 3166-1 alpha-2
	language string  // BCP 47 tag given to its customers
	currency string  // ISO 4217
	perEuro  float64 // units of currency for one euro, to size amounts
	utc      int     // hours ahead of UTC, so that office hours are local
	weight   int     // share of the customers, in per cent

	female, male, family []string
	// doubleSurname is the chance that a person carries two family names, as in Spain.
	doubleSurname float64
	// feminineSurnames turns -ski into -ska for women, as in Poland.
	feminineSurnames bool

	cities  []city
	streets []string
	// streetFormat places the street (%[1]s), a house number (%[2]d), three small
	// numbers (%[3]d to %[5]d, for Japanese block addresses) and a large US-style
	// number (%[6]d).
	streetFormat string
	// landline uses the city's area ("{area}"); in both, # is a digit, N a digit from
	// 2 to 9 and @ a capital letter.
	landline, mobile string

	suffixes      []string // legal forms with their separator, most common first
	industryFirst bool     // "Transports Dubois" rather than "Dubois Transports"
	industries    [8]string
	brands        []string // made-up company name stems that sound local
	infoMailbox   string   // the general mailbox of a company: info, contact, biuro …
	mailDomains   []string // personal mailbox providers, all under the reserved .example
}

type city struct {
	name     string
	postcode string // template: # a digit, N a digit from 2 to 9, @ a capital letter
	region   string
	area     string // dialling area, with the local number's template where it varies
}

// industries are the English keys of the industries, in the order of country.industries.
var industries = [8]string{"logistics", "food", "engineering", "retail", "software", "construction", "healthcare", "energy"}

func names(s string) []string { return strings.Split(s, "|") }

// countries are the markets of the demo firm, a European supplier of workplace
// equipment and services with customers in the Americas and Japan.
var countries = []*country{
	{
		code: "GB", language: "en", currency: "GBP", perEuro: 0.85, utc: 0, weight: 14,
		female: names("Olivia|Amelia|Isla|Ava|Emily|Sophie|Zoë|Grace|Poppy|Freya|Evie|Siân|Eilidh|Charlotte|Harriet|Niamh"),
		male:   names("Oliver|George|Harry|Jack|Charlie|Thomas|James|William|Alfie|Joshua|Rhys|Callum|Rory|Arjun|Dylan|Euan"),
		family: names("Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|White|Roberts|Green|Hall|Wood|Jackson|Clarke|Hughes|Edwards|Patel|Khan|Ellis|Harper|MacLeod|Ferguson"),
		cities: []city{
			{"London", "SWN #@@", "Greater London", "20 #### ####"},
			{"Manchester", "MN #@@", "Greater Manchester", "161 ### ####"},
			{"Birmingham", "BN #@@", "West Midlands", "121 ### ####"},
			{"Leeds", "LSN #@@", "West Yorkshire", "113 ### ####"},
			{"Bristol", "BSN #@@", "Bristol", "117 ### ####"},
			{"Edinburgh", "EHN #@@", "Scotland", "131 ### ####"},
			{"Glasgow", "GN #@@", "Scotland", "141 ### ####"},
			{"Cardiff", "CFN #@@", "Wales", "29 #### ####"},
		},
		streets:      names("High Street|Station Road|Church Lane|Victoria Road|Park Avenue|Mill Lane|King Street|Queen's Road|Manor Road|The Green"),
		streetFormat: "%[2]d %[1]s",
		landline:     "+44 {area}", mobile: "+44 7### ######",
		suffixes:    names(" Ltd| Ltd| Ltd| plc| LLP"),
		industries:  [8]string{"Logistics", "Foods", "Engineering", "Retail", "Software", "Construction", "Healthcare", "Energy"},
		brands:      names("Thames Valley|Pennine|Northgate|Albion|Kestrel|Highland|Severn|Redbrick"),
		infoMailbox: "info", mailDomains: names("mail.example|inbox.example|post.example"),
	},
	{
		code: "IE", language: "en", currency: "EUR", perEuro: 1, utc: 0, weight: 3,
		female: names("Emily|Grace|Fiadh|Sophie|Ava|Aoife|Saoirse|Niamh|Siobhán|Róisín|Ciara|Éabha|Caoimhe|Orla|Clodagh|Méabh"),
		male:   names("Jack|James|Noah|Conor|Seán|Daniel|Cian|Darragh|Oisín|Patrick|Fionn|Liam|Ciarán|Pádraig|Eoin|Tadhg"),
		family: names("Murphy|Kelly|O'Sullivan|Walsh|Smith|O'Brien|Byrne|Ryan|O'Connor|O'Neill|O'Reilly|Doyle|McCarthy|Gallagher|O'Doherty|Kennedy|Lynch|Murray|Quinn|Moore|McLoughlin|Carroll|Connolly|Daly|Fitzgerald"),
		cities: []city{
			{"Dublin", "D0# @#@#", "Co. Dublin", "1 ### ####"},
			{"Cork", "T12 @##@", "Co. Cork", "21 ### ####"},
			{"Galway", "H91 @#@#", "Co. Galway", "91 ### ###"},
			{"Limerick", "V94 @##@", "Co. Limerick", "61 ### ###"},
			{"Waterford", "X91 @#@#", "Co. Waterford", "51 ### ###"},
		},
		streets:      names("Main Street|Church Road|O'Connell Street|Patrick Street|Shop Street|Grafton Street|Strand Road|Mary Street"),
		streetFormat: "%[2]d %[1]s",
		landline:     "+353 {area}", mobile: "+353 8# ### ####",
		suffixes:    names(" Ltd| Ltd| DAC| Teoranta"),
		industries:  [8]string{"Logistics", "Foods", "Engineering", "Retail", "Software", "Construction", "Healthcare", "Energy"},
		brands:      names("Shamrock|Emerald|Liffey|Shannon|Celtic|Burren"),
		infoMailbox: "info", mailDomains: names("mail.example|inbox.example|post.ie.example"),
	},
	{
		code: "US", language: "en", currency: "USD", perEuro: 1.08, utc: -5, weight: 11,
		female: names("Olivia|Emma|Charlotte|Amelia|Sophia|Isabella|Ava|Mia|Evelyn|Harper|Abigail|Emily|Madison|María|Keisha|Chloe"),
		male:   names("Liam|Noah|Oliver|James|Elijah|William|Henry|Lucas|Benjamin|Ethan|Michael|Daniel|José|Tyrone|Wyatt|Caleb"),
		family: names("Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|Lopez|Gonzalez|Wilson|Anderson|Thomas|Taylor|Moore|Jackson|Martin|Lee|Pérez|Thompson|White|Harris|Nguyen|Kim|Reed"),
		cities: []city{
			{"New York", "100##", "NY", "212"},
			{"San Francisco", "941##", "CA", "415"},
			{"Chicago", "606##", "IL", "312"},
			{"Austin", "787##", "TX", "512"},
			{"Boston", "021##", "MA", "617"},
			{"Seattle", "981##", "WA", "206"},
			{"Atlanta", "303##", "GA", "404"},
			{"Denver", "802##", "CO", "303"},
		},
		streets:      names("Main Street|Oak Avenue|Maple Drive|Washington Street|Park Avenue|Elm Street|Broadway|Lakeview Drive|Cedar Lane|Market Street"),
		streetFormat: "%[6]d %[1]s",
		landline:     "+1 {area} N##-####", mobile: "+1 {area} N##-####",
		suffixes:    names(" Inc.| Inc.| LLC| Corp.| Co."),
		industries:  [8]string{"Logistics", "Foods", "Engineering", "Retail", "Software", "Construction", "Health", "Energy"},
		brands:      names("Summit|Pioneer|Liberty|Redwood|Keystone|Bluebird|Northstar|Lone Pine"),
		infoMailbox: "info", mailDomains: names("mail.example|inbox.example|webmail.example"),
	},
	{
		code: "DE", language: "de", currency: "EUR", perEuro: 1, utc: 1, weight: 14,
		female: names("Mia|Emma|Hannah|Sophie|Lea|Lena|Anna|Marie|Jana|Katrin|Sabine|Ursula|Gisela|Lara|Johanna|Jülide"),
		male:   names("Lukas|Leon|Finn|Jonas|Paul|Felix|Maximilian|Elias|Jürgen|Klaus|Stefan|Matthias|Sören|Björn|Günter|Mehmet"),
		family: names("Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Weiß|Krause|Köhler|Yılmaz"),
		cities: []city{
			{"Berlin", "10###", "Berlin", "30 ########"},
			{"München", "80###", "Bayern", "89 ########"},
			{"Hamburg", "20###", "Hamburg", "40 ########"},
			{"Köln", "50###", "Nordrhein-Westfalen", "221 #######"},
			{"Frankfurt am Main", "60###", "Hessen", "69 ########"},
			{"Stuttgart", "70###", "Baden-Württemberg", "711 #######"},
			{"Düsseldorf", "40###", "Nordrhein-Westfalen", "211 #######"},
			{"Leipzig", "04###", "Sachsen", "341 #######"},
		},
		streets:      names("Hauptstraße|Bahnhofstraße|Gartenstraße|Schulstraße|Lindenallee|Goethestraße|Schillerstraße|Friedrichstraße|Am Markt|Kirchweg"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+49 {area}", mobile: "+49 1#N #######",
		suffixes:    names(" GmbH| GmbH| GmbH| AG| GmbH & Co. KG"),
		industries:  [8]string{"Logistik", "Lebensmittel", "Maschinenbau", "Handel", "Software", "Bau", "Medizintechnik", "Energie"},
		brands:      names("Nordwind|Alpen|Rheinland|Elbe|Schwarzwald|Hansa|Spree|Brückner"),
		infoMailbox: "info", mailDomains: names("post.example|netz.example|mail.example"),
	},
	{
		code: "AT", language: "de", currency: "EUR", perEuro: 1, utc: 1, weight: 3,
		female: names("Anna|Sarah|Laura|Katharina|Julia|Lena|Theresa|Magdalena|Elisabeth|Sophie|Verena|Christina|Ingrid|Hemma|Valentina|Zoë"),
		male:   names("Lukas|Tobias|Florian|Alexander|David|Simon|Fabian|Sebastian|Markus|Wolfgang|Andreas|Josef|Maximilian|Leopold|Jakob|Dominik"),
		family: names("Gruber|Huber|Bauer|Wagner|Müller|Pichler|Steiner|Moser|Mayer|Hofer|Leitner|Berger|Fuchs|Eder|Fischer|Schmid|Winkler|Weber|Schwarz|Maier|Schneider|Reiter|Mayr|Wimmer|Egger|Brunner|Lang|Pölzl"),
		cities: []city{
			{"Wien", "1##0", "Wien", "1 #######"},
			{"Graz", "80#0", "Steiermark", "316 ######"},
			{"Linz", "40#0", "Oberösterreich", "732 ######"},
			{"Salzburg", "50#0", "Salzburg", "662 ######"},
			{"Innsbruck", "60#0", "Tirol", "512 ######"},
			{"Klagenfurt", "90#0", "Kärnten", "463 ######"},
		},
		streets:      names("Mariahilfer Straße|Landstraße|Hauptplatz|Bahnhofstraße|Kirchengasse|Herrengasse|Schulgasse|Wiener Straße"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+43 {area}", mobile: "+43 66# #######",
		suffixes:    names(" GmbH| GmbH| AG| KG"),
		industries:  [8]string{"Logistik", "Lebensmittel", "Maschinenbau", "Handel", "Software", "Bau", "Medizintechnik", "Energie"},
		brands:      names("Donau|Alpenland|Tauern|Wachau|Semmering|Edelweiß"),
		infoMailbox: "office", mailDomains: names("post.example|netz.example|mail.example"),
	},
	{
		code: "FR", language: "fr", currency: "EUR", perEuro: 1, utc: 1, weight: 10,
		female: names("Emma|Jade|Louise|Alice|Chloé|Léa|Manon|Camille|Inès|Zoé|Hélène|Céline|Amélie|Margaux|Anaïs|Maëlle"),
		male:   names("Gabriel|Léo|Raphaël|Louis|Lucas|Hugo|Jules|Arthur|Nathan|Théo|Étienne|François|Jérôme|Noël|Benoît|Loïc"),
		family: names("Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Mercier|Dupont|Lambert|Bonnet|Chevalier"),
		cities: []city{
			{"Paris", "7501#", "Île-de-France", "1 ## ## ## ##"},
			{"Lyon", "6900#", "Auvergne-Rhône-Alpes", "4 ## ## ## ##"},
			{"Marseille", "1300#", "Provence-Alpes-Côte d'Azur", "4 ## ## ## ##"},
			{"Toulouse", "3100#", "Occitanie", "5 ## ## ## ##"},
			{"Bordeaux", "3300#", "Nouvelle-Aquitaine", "5 ## ## ## ##"},
			{"Lille", "5900#", "Hauts-de-France", "3 ## ## ## ##"},
			{"Nantes", "4400#", "Pays de la Loire", "2 ## ## ## ##"},
			{"Strasbourg", "6700#", "Grand Est", "3 ## ## ## ##"},
		},
		streets:      names("rue de la République|rue Victor-Hugo|boulevard Voltaire|rue de la Paix|place de l'Église|rue du Moulin|avenue Jean-Jaurès|rue Pasteur|chemin des Vignes|quai de la Loire"),
		streetFormat: "%[2]d %[1]s",
		landline:     "+33 {area}", mobile: "+33 6 ## ## ## ##",
		suffixes:      names(" SAS| SARL| SA| EURL"),
		industryFirst: true,
		industries:    [8]string{"Transports", "Alimentation", "Ingénierie", "Distribution", "Informatique", "Bâtiment", "Santé", "Énergie"},
		brands:        names("Lumière|Horizon|Atlantique|Provence|Azur|Étoile|Vercors|Mistral"),
		infoMailbox:   "contact", mailDomains: names("courriel.example|mail.example|boite.example"),
	},
	{
		code: "ES", language: "es", currency: "EUR", perEuro: 1, utc: 1, weight: 8,
		female:        names("Lucía|Sofía|Martina|María|Julia|Paula|Valeria|Carmen|Ana|Begoña|Nuria|Inés|Marta|Noelia|Ainhoa|Rocío"),
		male:          names("Hugo|Martín|Lucas|Mateo|Leo|Daniel|Alejandro|Pablo|Álvaro|Javier|Sergio|José|Íñigo|Jesús|Andrés|Rubén"),
		family:        names("García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|Torres|Domínguez|Núñez|Ibáñez|Peña|Castañeda|Ortiz"),
		doubleSurname: 0.85,
		cities: []city{
			{"Madrid", "280##", "Comunidad de Madrid", "91 ### ## ##"},
			{"Barcelona", "080##", "Cataluña", "93 ### ## ##"},
			{"Valencia", "460##", "Comunidad Valenciana", "96 ### ## ##"},
			{"Sevilla", "410##", "Andalucía", "95 ### ## ##"},
			{"Bilbao", "480##", "País Vasco", "94 ### ## ##"},
			{"Zaragoza", "500##", "Aragón", "976 ## ## ##"},
			{"Málaga", "290##", "Andalucía", "952 ## ## ##"},
		},
		streets:      names("Calle Mayor|Calle de Alcalá|Avenida de la Constitución|Plaza de España|Calle Real|Paseo de Gracia|Calle San Vicente|Avenida del Puerto"),
		streetFormat: "%[1]s, %[2]d",
		landline:     "+34 {area}", mobile: "+34 6## ### ###",
		suffixes:      names(" S.L.| S.L.| S.A.| S.L.U."),
		industryFirst: true,
		industries:    [8]string{"Logística", "Alimentación", "Ingeniería", "Comercial", "Software", "Construcciones", "Salud", "Energía"},
		brands:        names("Ibérica|Mediterráneo|Sierra|Levante|Cantábrico|Sol|Guadalquivir|Pirineo"),
		infoMailbox:   "info", mailDomains: names("correo.example|mail.example|buzon.example"),
	},
	{
		code: "PT", language: "pt-PT", currency: "EUR", perEuro: 1, utc: 0, weight: 6,
		female:        names("Maria|Leonor|Matilde|Beatriz|Carolina|Inês|Mariana|Ana|Sofia|Margarida|Conceição|Graça|Joana|Luísa|Fátima|Benedita"),
		male:          names("João|Francisco|Afonso|Tomás|Duarte|Rodrigo|Martim|Gonçalo|Tiago|Miguel|Rui|Vasco|Simão|António|Nuno|Sebastião"),
		family:        names("Silva|Santos|Ferreira|Pereira|Oliveira|Costa|Rodrigues|Martins|Jesus|Sousa|Fernandes|Gonçalves|Gomes|Lopes|Marques|Alves|Almeida|Ribeiro|Pinto|Carvalho|Teixeira|Moreira|Correia|Mendes|Magalhães|Simões|Brandão|Araújo"),
		doubleSurname: 0.5,
		cities: []city{
			{"Lisboa", "1###-###", "Lisboa", "21 ### ####"},
			{"Porto", "40##-###", "Porto", "22 ### ####"},
			{"Braga", "47##-###", "Braga", "253 ### ###"},
			{"Coimbra", "30##-###", "Coimbra", "239 ### ###"},
			{"Faro", "80##-###", "Faro", "289 ### ###"},
			{"Aveiro", "38##-###", "Aveiro", "234 ### ###"},
		},
		streets:      names("Rua Augusta|Avenida da Liberdade|Rua de Santa Catarina|Rua do Comércio|Travessa do Carmo|Largo da Sé|Rua Direita|Avenida dos Aliados"),
		streetFormat: "%[1]s, %[2]d",
		landline:     "+351 {area}", mobile: "+351 9# ### ####",
		suffixes:      names(", Lda|, Lda|, S.A.| Unipessoal, Lda"),
		industryFirst: true,
		industries:    [8]string{"Logística", "Alimentar", "Engenharia", "Comércio", "Software", "Construções", "Saúde", "Energia"},
		brands:        names("Atlântico|Tejo|Douro|Lusitânia|Minho|Alfama|Estrela|Arrábida"),
		infoMailbox:   "geral", mailDomains: names("correio.example|mail.example|caixa.example"),
	},
	{
		code: "IT", language: "it", currency: "EUR", perEuro: 1, utc: 1, weight: 8,
		female: names("Sofia|Giulia|Aurora|Alice|Ginevra|Emma|Giorgia|Beatrice|Chiara|Francesca|Federica|Lucrezia|Antonella|Noemi|Ilaria|Rosaria"),
		male:   names("Leonardo|Francesco|Alessandro|Lorenzo|Mattia|Andrea|Gabriele|Riccardo|Tommaso|Niccolò|Giuseppe|Giovanni|Salvatore|Gioele|Nicolò|Domenico"),
		family: names("Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti|Barbieri|Fontana|Santoro|Mariani|Rinaldi|Caruso|D'Angelo|Cantù"),
		cities: []city{
			{"Milano", "201##", "Lombardia", "02 ########"},
			{"Roma", "001##", "Lazio", "06 ########"},
			{"Napoli", "801##", "Campania", "081 #######"},
			{"Torino", "101##", "Piemonte", "011 #######"},
			{"Bologna", "401##", "Emilia-Romagna", "051 #######"},
			{"Firenze", "501##", "Toscana", "055 #######"},
			{"Genova", "161##", "Liguria", "010 #######"},
		},
		streets:      names("Via Roma|Via Garibaldi|Corso Vittorio Emanuele II|Via Mazzini|Piazza del Duomo|Via Dante|Via Cavour|Via della Repubblica|Viale Europa"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+39 {area}", mobile: "+39 3## ### ####",
		suffixes:      names(" S.r.l.| S.r.l.| S.p.A.| S.n.c."),
		industryFirst: true,
		industries:    [8]string{"Logistica", "Alimentari", "Meccanica", "Commerciale", "Software", "Costruzioni", "Sanità", "Energia"},
		brands:        names("Adriatica|Tirrena|Dolomiti|Aurora|Vesuvio|Etna|Lagunare|Appennino"),
		infoMailbox:   "info", mailDomains: names("posta.example|mail.example|casella.example"),
	},
	{
		code: "NL", language: "nl", currency: "EUR", perEuro: 1, utc: 1, weight: 6,
		female: names("Emma|Julia|Tess|Sophie|Zoë|Mila|Sara|Anna|Eva|Lotte|Fleur|Noor|Maaike|Anouk|Femke|Inge"),
		male:   names("Daan|Sem|Lucas|Levi|Finn|Milan|Bram|Thijs|Jesse|Ruben|Sven|Jeroen|Joost|Pieter|Sjoerd|Maarten"),
		family: names("de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|Kok|Jacobs|Hoekstra"),
		cities: []city{
			{"Amsterdam", "10## @@", "Noord-Holland", "20 ### ####"},
			{"Rotterdam", "30## @@", "Zuid-Holland", "10 ### ####"},
			{"Den Haag", "25## @@", "Zuid-Holland", "70 ### ####"},
			{"Utrecht", "35## @@", "Utrecht", "30 ### ####"},
			{"Eindhoven", "56## @@", "Noord-Brabant", "40 ### ####"},
			{"Groningen", "97## @@", "Groningen", "50 ### ####"},
		},
		streets:      names("Kerkstraat|Dorpsstraat|Stationsweg|Molenweg|Prinsengracht|Keizersgracht|Schoolstraat|Julianalaan|Beatrixlaan|Markt"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+31 {area}", mobile: "+31 6 ########",
		suffixes:    names(" B.V.| B.V.| B.V.| N.V.| V.O.F."),
		industries:  [8]string{"Logistiek", "Voeding", "Techniek", "Handel", "Software", "Bouw", "Zorg", "Energie"},
		brands:      names("Oranje|Polder|Tulp|Noordzee|Delta|Hollandia|Waddenzee|Dijkhuis"),
		infoMailbox: "info", mailDomains: names("mail.example|post.nl.example|inbox.example"),
	},
	{
		code: "SE", language: "sv", currency: "SEK", perEuro: 11.4, utc: 1, weight: 4,
		female: names("Alice|Maja|Elsa|Astrid|Wilma|Ebba|Saga|Linnéa|Ingrid|Karin|Märta|Åsa|Sofia|Frida|Signe|Agnes"),
		male:   names("Lucas|William|Elias|Hugo|Oscar|Erik|Lars|Björn|Anders|Johan|Gustav|Axel|Åke|Göran|Nils|Olof"),
		family: names("Andersson|Johansson|Karlsson|Nilsson|Eriksson|Larsson|Olsson|Persson|Svensson|Gustafsson|Pettersson|Jonsson|Hansson|Bengtsson|Jönsson|Lindberg|Lindqvist|Lindström|Berg|Axelsson|Bergström|Lundberg|Lundqvist|Åberg|Sjöberg|Ström|Holmström|Öberg"),
		cities: []city{
			{"Stockholm", "11# ##", "Stockholms län", "8 ### ### ##"},
			{"Göteborg", "41# ##", "Västra Götalands län", "31 ### ## ##"},
			{"Malmö", "21# ##", "Skåne län", "40 ### ## ##"},
			{"Uppsala", "75# ##", "Uppsala län", "18 ### ## ##"},
			{"Linköping", "58# ##", "Östergötlands län", "13 ### ## ##"},
			{"Västerås", "72# ##", "Västmanlands län", "21 ### ## ##"},
		},
		streets:      names("Storgatan|Kungsgatan|Drottninggatan|Skolgatan|Kyrkogatan|Järnvägsgatan|Vasagatan|Östra Långgatan|Sveavägen"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+46 {area}", mobile: "+46 7# ### ## ##",
		suffixes:    names(" AB| AB| AB| HB"),
		industries:  [8]string{"Logistik", "Livsmedel", "Verkstad", "Handel", "Mjukvara", "Bygg", "Vård", "Energi"},
		brands:      names("Norrsken|Fjäll|Skog|Älv|Nordkap|Vinga|Kullen|Svea"),
		infoMailbox: "info", mailDomains: names("brev.example|mail.example|post.se.example"),
	},
	{
		code: "DK", language: "da", currency: "DKK", perEuro: 7.46, utc: 1, weight: 2,
		female: names("Emma|Ida|Clara|Freja|Alma|Sofie|Anna|Mette|Lærke|Signe|Karen|Birgitte|Maja|Astrid|Sørine|Tove"),
		male:   names("William|Noah|Oscar|Lucas|Carl|Victor|Søren|Mads|Rasmus|Jens|Anders|Frederik|Bjørn|Jørgen|Niels|Asger"),
		family: names("Nielsen|Jensen|Hansen|Pedersen|Andersen|Christensen|Larsen|Sørensen|Rasmussen|Jørgensen|Petersen|Madsen|Kristensen|Olsen|Thomsen|Christiansen|Poulsen|Johansen|Møller|Mortensen|Østergaard|Lauridsen|Kjær|Dahl|Bech|Bæk"),
		cities: []city{
			{"København", "1###", "Region Hovedstaden", ""},
			{"Aarhus", "8#00", "Region Midtjylland", ""},
			{"Odense", "5#00", "Region Syddanmark", ""},
			{"Aalborg", "9#00", "Region Nordjylland", ""},
			{"Esbjerg", "67##", "Region Syddanmark", ""},
		},
		streets:      names("Vestergade|Østergade|Nørregade|Søndergade|Strandvejen|Kirkevej|Skolevej|Algade|Åboulevarden"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+45 N# ## ## ##", mobile: "+45 N# ## ## ##",
		suffixes:    names(" ApS| ApS| A/S"),
		industries:  [8]string{"Logistik", "Fødevarer", "Maskinfabrik", "Handel", "Software", "Byg", "Sundhed", "Energi"},
		brands:      names("Nordlys|Øresund|Kattegat|Skagen|Fyn|Limfjord"),
		infoMailbox: "info", mailDomains: names("post.dk.example|mail.example|net.example"),
	},
	{
		code: "PL", language: "pl", currency: "PLN", perEuro: 4.3, utc: 1, weight: 5,
		female:           names("Zofia|Zuzanna|Hanna|Julia|Maja|Laura|Oliwia|Alicja|Agnieszka|Małgorzata|Katarzyna|Magdalena|Joanna|Grażyna|Bożena|Jadwiga"),
		male:             names("Antoni|Jan|Aleksander|Franciszek|Jakub|Szymon|Filip|Mikołaj|Łukasz|Wojciech|Krzysztof|Paweł|Grzegorz|Tomasz|Michał|Zbigniew"),
		family:           names("Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|Woźniak|Dąbrowski|Kozłowski|Jankowski|Mazur|Kwiatkowski|Krawczyk|Piotrowski|Grabowski|Nowakowski|Pawłowski|Michalski|Król|Wieczorek|Jabłoński|Wróbel|Zając|Górecki|Sikora"),
		feminineSurnames: true,
		cities: []city{
			{"Warszawa", "0#-###", "mazowieckie", "22 ### ## ##"},
			{"Kraków", "3#-###", "małopolskie", "12 ### ## ##"},
			{"Łódź", "9#-###", "łódzkie", "42 ### ## ##"},
			{"Wrocław", "5#-###", "dolnośląskie", "71 ### ## ##"},
			{"Poznań", "6#-###", "wielkopolskie", "61 ### ## ##"},
			{"Gdańsk", "80-###", "pomorskie", "58 ### ## ##"},
		},
		streets:      names("ul. Długa|ul. Marszałkowska|ul. Piotrkowska|ul. Floriańska|ul. Świętojańska|ul. Kościuszki|ul. Mickiewicza|ul. Ogrodowa|al. Jerozolimskie"),
		streetFormat: "%[1]s %[2]d",
		landline:     "+48 {area}", mobile: "+48 5## ### ###",
		suffixes:    names(" sp. z o.o.| sp. z o.o.| sp. z o.o.| S.A.| sp.j."),
		industries:  [8]string{"Logistyka", "Żywność", "Inżynieria", "Handel", "Oprogramowanie", "Budownictwo", "Medyczne", "Energia"},
		brands:      names("Wisła|Bałtyk|Tatry|Mazowsze|Orzeł|Sudety|Warmia|Podhale"),
		infoMailbox: "biuro", mailDomains: names("poczta.example|mail.example|skrzynka.example"),
	},
	{
		code: "BR", language: "pt-BR", currency: "BRL", perEuro: 5.6, utc: -3, weight: 4,
		female:        names("Helena|Alice|Laura|Valentina|Manuela|Júlia|Sophia|Isabela|Luíza|Camila|Fernanda|Letícia|Bárbara|Ana|Lívia|Cecília"),
		male:          names("Miguel|Arthur|Heitor|Davi|Gabriel|Bernardo|Enzo|Lucas|Pedro|João|Luiz|Rafael|Thiago|Caio|Vinícius|Otávio"),
		family:        names("Silva|Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Costa|Ribeiro|Martins|Carvalho|Almeida|Lopes|Soares|Fernandes|Vieira|Barbosa|Rocha|Dias|Nascimento|Araújo|Cardoso|Gonçalves|Magalhães|Brandão"),
		doubleSurname: 0.5,
		cities: []city{
			{"São Paulo", "01###-###", "SP", "11"},
			{"Rio de Janeiro", "20###-###", "RJ", "21"},
			{"Belo Horizonte", "30###-###", "MG", "31"},
			{"Curitiba", "80###-###", "PR", "41"},
			{"Porto Alegre", "90###-###", "RS", "51"},
			{"Recife", "50###-###", "PE", "81"},
			{"Salvador", "40###-###", "BA", "71"},
		},
		streets:      names("Rua das Flores|Avenida Paulista|Rua Augusta|Avenida Atlântica|Rua XV de Novembro|Avenida Brasil|Rua da Consolação|Rua Sete de Setembro"),
		streetFormat: "%[1]s, %[2]d",
		landline:     "+55 {area} N###-####", mobile: "+55 {area} 9####-####",
		suffixes:      names(" Ltda.| Ltda.| S.A.| Eireli"),
		industryFirst: true,
		industries:    [8]string{"Logística", "Alimentos", "Engenharia", "Comércio", "Software", "Construtora", "Saúde", "Energia"},
		brands:        names("Ipiranga|Cerrado|Pantanal|Guanabara|Paulista|Amazônia|Iguaçu|Sertão"),
		infoMailbox:   "contato", mailDomains: names("correio.br.example|mail.example|caixa.example"),
	},
	{
		code: "JP", language: "ja", currency: "JPY", perEuro: 160, utc: 9, weight: 2,
		female: names("Yui|Aoi|Hina|Mei|Sakura|Yuna|Riko|Yūko|Keiko|Naomi|Emi|Haruka|Misaki|Ayaka|Kyōko|Chiyo"),
		male:   names("Haruto|Sōta|Yūto|Ren|Minato|Riku|Hiroshi|Takashi|Kenji|Kōji|Daiki|Shōta|Yūki|Kazuo|Tarō|Makoto"),
		family: names("Satō|Suzuki|Takahashi|Tanaka|Watanabe|Itō|Yamamoto|Nakamura|Kobayashi|Katō|Yoshida|Yamada|Sasaki|Yamaguchi|Matsumoto|Inoue|Kimura|Hayashi|Shimizu|Saitō|Yamazaki|Mori|Abe|Ikeda|Hashimoto|Ishikawa|Ōta|Kondō"),
		cities: []city{
			{"Tokyo", "1##-####", "Tokyo", "3-####-####"},
			{"Osaka", "53#-####", "Osaka", "6-####-####"},
			{"Yokohama", "22#-####", "Kanagawa", "45-###-####"},
			{"Nagoya", "46#-####", "Aichi", "52-###-####"},
			{"Fukuoka", "81#-####", "Fukuoka", "92-###-####"},
			{"Sapporo", "06#-####", "Hokkaido", "11-###-####"},
			{"Kyoto", "60#-####", "Kyoto", "75-###-####"},
		},
		streets:      names("Ginza|Nishi-Shinjuku|Umeda|Shibuya|Sakae|Tenjin|Minatomirai|Jingumae|Marunouchi"),
		streetFormat: "%[3]d-%[4]d-%[5]d %[1]s",
		landline:     "+81 {area}", mobile: "+81 90-####-####",
		suffixes:    names(" K.K.| K.K.| Co., Ltd."),
		industries:  [8]string{"Butsuryū", "Shokuhin", "Seimitsu", "Shōji", "Sofuto", "Kensetsu", "Iryō", "Enerugī"},
		brands:      names("Sakura|Fuji|Asahi|Hikari|Daiichi|Tōyō|Hoshino|Nishiki"),
		infoMailbox: "info", mailDomains: names("mail.jp.example|mail.example|inbox.example"),
	},
}

// pickCountry chooses a country by its weight.
func pickCountry(r *rand.Rand) *country {
	total := 0
	for _, c := range countries {
		total += c.weight
	}
	n := r.IntN(total)
	for _, c := range countries {
		if n < c.weight {
			return c
		}
		n -= c.weight
	}
	return countries[0]
}
