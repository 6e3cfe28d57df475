package synth

// Name lists per country, most frequent first: the samplers weight them by
// rank, so order matters. Compound names ("Jean-Pierre", "José Luis",
// "van den Berg") and apostrophes ("O'Brien") are deliberate: they are what
// tokenisers and comparators trip over.

var gbFemale = []string{
	"Sarah", "Emma", "Claire", "Laura", "Elizabeth", "Margaret", "Susan", "Helen",
	"Rebecca", "Katherine", "Victoria", "Jennifer", "Patricia", "Amy", "Charlotte",
	"Olivia", "Sophie", "Jessica", "Hannah", "Lucy", "Emily", "Rachel", "Joanne",
	"Nicola", "Deborah", "Siobhan",
}

var gbMale = []string{
	"David", "John", "Michael", "James", "Paul", "Andrew", "Robert", "Mark",
	"Richard", "Peter", "Thomas", "William", "Christopher", "Stephen", "Daniel",
	"Matthew", "Edward", "Anthony", "Joseph", "Benjamin", "Samuel", "Oliver",
	"Jack", "Harry", "Gareth", "Alistair",
}

var gbFamily = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
	"Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker",
	"White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke",
	"Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
	"Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan",
	"Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price",
	"Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
	"Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
	"Richards", "Khan", "Marshall", "O'Brien", "O'Connor", "McDonald", "Campbell",
	"Stewart", "Fitzgerald", "Ali",
}

var deFemale = []string{
	"Maria", "Ursula", "Monika", "Petra", "Sabine", "Elisabeth", "Renate", "Helga",
	"Karin", "Brigitte", "Ingrid", "Andrea", "Claudia", "Susanne", "Gabriele",
	"Christina", "Katharina", "Stefanie", "Julia", "Anna", "Lena", "Franziska",
	"Alexandra", "Daniela", "Jana", "Anja", "Nicole", "Bärbel", "Käthe",
}

var deMale = []string{
	"Peter", "Michael", "Thomas", "Andreas", "Wolfgang", "Klaus", "Jürgen", "Günter",
	"Stefan", "Christian", "Uwe", "Werner", "Hans", "Horst", "Frank", "Dieter",
	"Manfred", "Matthias", "Alexander", "Sebastian", "Tobias", "Johannes",
	"Friedrich", "Jörg", "Maximilian", "Lukas", "Jan", "Tim", "Felix", "Björn",
	"Karl-Heinz",
}

var deFamily = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
	"Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
	"Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
	"Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause",
	"Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König",
	"Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
	"Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
	"Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
	"Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus",
	"Schumacher", "Krämer", "Vogt", "Jäger", "Groß", "Seidel", "Heinrich",
}

var frFemale = []string{
	"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine",
	"Valérie", "Stéphanie", "Céline", "Sophie", "Julie", "Aurélie", "Camille",
	"Léa", "Manon", "Chloé", "Emma", "Inès", "Hélène", "Françoise", "Monique",
	"Anne", "Élodie", "Marie-Claire", "Anne-Sophie", "Dominique",
}

var frMale = []string{
	"Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe",
	"Pierre", "Christian", "Éric", "Frédéric", "Laurent", "Stéphane", "David",
	"Olivier", "Sébastien", "Julien", "Thomas", "Guillaume", "Antoine", "Mathieu",
	"Hugo", "Lucas", "Théo", "Jean-Pierre", "Jean-Luc", "François", "Jérôme",
}

var frFamily = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
	"Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David",
	"Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert",
	"Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André",
	"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François",
	"Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
	"Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
	"Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet",
	"Gaillard", "Barbier", "Arnaud", "Le Gall", "N'Diaye",
}

var esFemale = []string{
	"María", "Carmen", "Ana", "Isabel", "Laura", "Cristina", "Marta", "Dolores",
	"Pilar", "Lucía", "Elena", "Sara", "Paula", "Raquel", "Rosa", "Teresa",
	"Beatriz", "Patricia", "Silvia", "Mercedes", "Concepción", "Guadalupe",
	"Nuria", "Alba", "María José", "María Carmen",
}

var esMale = []string{
	"Antonio", "José", "Manuel", "Francisco", "David", "Juan", "Javier", "Daniel",
	"Carlos", "Jesús", "Alejandro", "Miguel", "Rafael", "Pedro", "Pablo", "Ángel",
	"Sergio", "Fernando", "Jorge", "Luis", "Alberto", "Álvaro", "Ignacio",
	"Enrique", "Diego", "Adrián", "José Luis", "Juan Carlos", "Francisco Javier",
}

var esFamily = []string{
	"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
	"Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
	"Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres",
	"Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco",
	"Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio",
	"Marín", "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés", "Castillo",
	"Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez", "Cruz", "Calvo",
	"Gallego", "Vidal", "León", "Márquez", "Herrera", "Peña", "Flores", "Cabrera",
	"Campos", "Vega", "Fuentes", "Carrasco", "Díez", "Caballero", "Reyes", "Nieto",
	"Aguilar",
}

var ptFemale = []string{
	"Maria", "Ana", "Mariana", "Beatriz", "Inês", "Sofia", "Joana", "Catarina",
	"Rita", "Sara", "Marta", "Carla", "Patrícia", "Sandra", "Cláudia", "Fernanda",
	"Luísa", "Teresa", "Helena", "Conceição", "Fátima", "Francisca", "Leonor",
	"Matilde", "Ana Rita", "Maria João",
}

var ptMale = []string{
	"João", "José", "António", "Francisco", "Manuel", "Pedro", "Luís", "Carlos",
	"Paulo", "Rui", "Miguel", "Tiago", "Nuno", "Ricardo", "Jorge", "Fernando",
	"Bruno", "André", "Diogo", "Rafael", "Gonçalo", "Duarte", "Tomás", "Rodrigo",
	"Joaquim", "Sérgio", "Vítor",
}

var ptFamily = []string{
	"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
	"Martins", "Jesus", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes",
	"Marques", "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho", "Teixeira",
	"Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro",
	"Cardoso", "Rocha", "Raposo", "Neves", "Coelho", "Cruz", "Cunha", "Pires",
	"Ramos", "Reis", "Simões", "Antunes", "Matos", "Fonseca", "Machado", "Araújo",
	"Barbosa", "Tavares", "Lourenço", "Castro", "Figueiredo", "Azevedo", "Freitas",
	"Henriques", "Magalhães", "Baptista", "Brito", "Guerreiro", "Sá", "Lima",
	"Faria", "Valente",
}

var itFemale = []string{
	"Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia",
	"Carmela", "Francesca", "Giulia", "Chiara", "Sara", "Valentina", "Alessia",
	"Martina", "Federica", "Elisabetta", "Paola", "Laura", "Elena", "Silvia",
	"Simona", "Roberta", "Sofia", "Aurora", "Maria Grazia",
}

var itMale = []string{
	"Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo",
	"Vincenzo", "Pietro", "Salvatore", "Carlo", "Franco", "Domenico", "Bruno",
	"Paolo", "Michele", "Giorgio", "Marco", "Alessandro", "Andrea", "Luca",
	"Matteo", "Lorenzo", "Stefano", "Roberto", "Davide", "Niccolò", "Gian Luca",
}

var itFamily = []string{
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
	"Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini",
	"Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana",
	"Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini",
	"Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra",
	"Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte",
	"Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
	"Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna",
	"Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri",
	"Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani",
}

var plFemale = []string{
	"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
	"Krystyna", "Elżbieta", "Magdalena", "Joanna", "Zofia", "Aleksandra", "Monika",
	"Teresa", "Danuta", "Natalia", "Karolina", "Marta", "Beata", "Dorota",
	"Justyna", "Julia", "Wiktoria", "Halina", "Jadwiga",
}

var plMale = []string{
	"Piotr", "Krzysztof", "Andrzej", "Tomasz", "Jan", "Paweł", "Michał", "Marcin",
	"Stanisław", "Jakub", "Adam", "Marek", "Łukasz", "Grzegorz", "Mateusz",
	"Wojciech", "Mariusz", "Dariusz", "Zbigniew", "Jerzy", "Maciej", "Rafał",
	"Kamil", "Aleksander", "Józef", "Ryszard",
}

// plFamily holds masculine forms; women get the -ska/-cka form (see feminine).
var plFamily = []string{
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński",
	"Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
	"Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek",
	"Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król",
	"Wieczorek", "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski",
	"Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki", "Pawlak",
	"Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak",
	"Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski", "Wróblewski",
	"Marciniak", "Jasiński", "Zawadzki", "Bąk", "Jakubowski", "Sadowski", "Duda",
	"Włodarczyk", "Wilk", "Chmielewski",
}

var nlFemale = []string{
	"Maria", "Johanna", "Anna", "Cornelia", "Wilhelmina", "Elisabeth", "Sanne",
	"Anouk", "Lotte", "Emma", "Julia", "Sophie", "Anne", "Eva", "Lisa", "Femke",
	"Inge", "Marieke", "Anneke", "Ingrid", "Monique", "Sandra", "Linda", "Esther",
	"Fleur",
}

var nlMale = []string{
	"Johannes", "Jan", "Cornelis", "Hendrik", "Willem", "Pieter", "Gerrit",
	"Jacobus", "Petrus", "Wilhelmus", "Gerardus", "Dirk", "Kees", "Henk", "Daan",
	"Sem", "Lucas", "Bram", "Thijs", "Ruben", "Joost", "Maarten", "Sander", "Bas",
	"Jeroen", "Stijn",
}

var nlFamily = []string{
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker",
	"Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
	"Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
	"Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
	"Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
	"van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten",
	"van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
	"Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman",
	"Peeters", "de Lange", "Kuipers", "van Wijk", "Postma", "Kuiper", "Veenstra",
	"Kramer", "van den Brink", "Scholten",
}

// The Nordic lists are mostly Swedish, with some Danish and Norwegian names.
var seFemale = []string{
	"Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Sara", "Emma", "Kerstin",
	"Ingrid", "Marie", "Malin", "Elin", "Linnéa", "Maja", "Astrid", "Sofia", "Ida",
	"Julia", "Birgitta", "Margareta", "Elisabet", "Katarina", "Inger", "Ulla",
	"Åsa", "Solveig", "Sigrid",
}

var seMale = []string{
	"Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Jan",
	"Thomas", "Daniel", "Fredrik", "Hans", "Andreas", "Bengt", "Nils", "Sven",
	"Gustav", "Oskar", "Björn", "Magnus", "Mattias", "Åke", "Göran", "Jörgen",
	"Ole", "Søren", "Henrik", "Kristoffer",
}

var seFamily = []string{
	"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
	"Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson",
	"Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
	"Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg",
	"Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist",
	"Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
	"Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson",
	"Björk", "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson",
	"Fransson", "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren",
	"Söderberg", "Nyberg", "Blomqvist", "Hansen", "Jensen", "Nielsen", "Pedersen",
	"Sørensen",
}

// nicknames maps a given name to the short or familiar forms people and
// clerks use instead; every key appears in one of the given-name lists.
var nicknames = map[string][]string{
	// English
	"Robert":      {"Rob", "Bob", "Bobby"},
	"William":     {"Bill", "Will", "Billy"},
	"Elizabeth":   {"Liz", "Beth", "Betty"},
	"Margaret":    {"Maggie", "Peggy", "Meg"},
	"James":       {"Jim", "Jimmy", "Jamie"},
	"John":        {"Johnny", "Jack"},
	"Michael":     {"Mike", "Mick", "Micha"},
	"Richard":     {"Rick", "Dick", "Richie"},
	"Thomas":      {"Tom", "Tommy"},
	"Christopher": {"Chris"},
	"Daniel":      {"Dan", "Danny"},
	"Jennifer":    {"Jen", "Jenny"},
	"Katherine":   {"Kate", "Kathy", "Katie"},
	"Patricia":    {"Pat", "Trish"},
	"Susan":       {"Sue", "Susie"},
	"Edward":      {"Ed", "Ted", "Eddie"},
	"Anthony":     {"Tony"},
	"Joseph":      {"Joe"},
	"Benjamin":    {"Ben"},
	"Samuel":      {"Sam"},
	"Victoria":    {"Vicky", "Tori"},
	"Rebecca":     {"Becky", "Becca"},
	"Matthew":     {"Matt"},
	"Andrew":      {"Andy", "Drew"},
	"Stephen":     {"Steve"},
	"Deborah":     {"Debbie", "Deb"},
	"Alexander":   {"Alex", "Sasha"},
	// German
	"Katharina":  {"Kathi", "Katja"},
	"Johannes":   {"Hannes", "Hans", "Jan"},
	"Wolfgang":   {"Wolf"},
	"Friedrich":  {"Fritz"},
	"Stefanie":   {"Steffi"},
	"Christina":  {"Tina", "Chris"},
	"Andreas":    {"Andi"},
	"Alexandra":  {"Alex", "Sandra"},
	"Franziska":  {"Franzi"},
	"Sebastian":  {"Basti"},
	"Tobias":     {"Tobi"},
	"Daniela":    {"Dani"},
	"Maximilian": {"Max"},
	"Gabriele":   {"Gabi"},
	"Matthias":   {"Matze"},
	// French
	"Nicolas":    {"Nico"},
	"Frédéric":   {"Fred"},
	"Isabelle":   {"Isa"},
	"Christophe": {"Chris"},
	"Stéphanie":  {"Steph"},
	"Dominique":  {"Dom"},
	"Guillaume":  {"Guigui"},
	// Spanish and Portuguese
	"José":       {"Pepe"},
	"Francisco":  {"Paco", "Curro", "Chico"},
	"Manuel":     {"Manolo", "Manel"},
	"Antonio":    {"Toño", "Toni"},
	"Dolores":    {"Lola"},
	"Guadalupe":  {"Lupe"},
	"Concepción": {"Concha"},
	"Ignacio":    {"Nacho"},
	"Enrique":    {"Quique"},
	"Rafael":     {"Rafa"},
	"Alejandro":  {"Álex"},
	"Fernando":   {"Nando"},
	"António":    {"Tó", "Toni"},
	"Francisca":  {"Chica", "Kika"},
	// Italian
	"Giuseppe":   {"Beppe", "Peppe", "Pino"},
	"Giovanni":   {"Gianni", "Nanni"},
	"Alessandro": {"Sandro", "Alex"},
	"Salvatore":  {"Totò", "Salvo"},
	"Vincenzo":   {"Enzo"},
	"Elisabetta": {"Betta"},
	"Federica":   {"Fede"},
	"Francesco":  {"Franco", "Checco"},
	// Polish
	"Aleksander": {"Olek"},
	"Małgorzata": {"Gosia", "Małgosia"},
	"Katarzyna":  {"Kasia"},
	"Aleksandra": {"Ola"},
	"Tomasz":     {"Tomek"},
	"Wojciech":   {"Wojtek"},
	"Krzysztof":  {"Krzysiek"},
	"Magdalena":  {"Magda"},
	"Agnieszka":  {"Aga"},
	"Piotr":      {"Piotrek"},
	"Joanna":     {"Asia"},
	"Elżbieta":   {"Ela"},
	"Barbara":    {"Basia"},
	// Dutch
	"Cornelis":   {"Kees"},
	"Hendrik":    {"Henk"},
	"Wilhelmus":  {"Wim"},
	"Jacobus":    {"Koos", "Jaap"},
	"Petrus":     {"Piet"},
	"Gerardus":   {"Gerard", "Ger"},
	"Wilhelmina": {"Mien", "Wilma"},
	"Johanna":    {"Anneke", "Jo"},
	// Nordic
	"Katarina":   {"Kajsa"},
	"Margareta":  {"Greta", "Maggan"},
	"Elisabet":   {"Lisa", "Elsa"},
	"Kristoffer": {"Kris"},
	"Fredrik":    {"Fredde"},
	"Kristina":   {"Kicki", "Stina"},
}
