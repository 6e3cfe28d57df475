package linkage

import "strings"

// nicknameGroups lists given names that one person goes by interchangeably: a formal
// name and its common short and familiar forms, in English and a few other European
// languages. A name may belong to several groups ("al" is Albert, Alfred and Alan).
var nicknameGroups = []string{
	"abigail abby abbie gail",
	"abraham abe bram",
	"albert al bert bertie",
	"alexander alex alec sandy sasha xander",
	"alexandra alex sandra sandy sasha lexie",
	"alfred al alf alfie fred freddie",
	"alan al",
	"andrew andy drew",
	"anthony antony tony",
	"arthur art artie",
	"barbara barb babs",
	"benjamin ben benny benji",
	"catherine katherine kathryn cathy kathy kate katie kitty cath kat",
	"charles charlie chas chuck",
	"christopher chris kit topher",
	"christine christina chris tina chrissie",
	"daniel dan danny",
	"david dave davy",
	"deborah debra debbie deb",
	"donald don donnie",
	"dorothy dot dottie dolly",
	"edward ed eddie ned ted teddy",
	"edwin ed eddie",
	"elizabeth eliza beth betty bess bessie liz lizzie libby elsie betsy",
	"eleanor ellen elle nell nellie nora",
	"emily em emmy",
	"eugene gene",
	"frances fran fanny frankie",
	"francis frank frankie",
	"frederick frederic fred freddie fritz",
	"gabriel gabe",
	"geoffrey jeffrey geoff jeff",
	"gerald gerry jerry",
	"gregory greg",
	"harold harry hal",
	"helen nell nellie",
	"henry harry hal hank",
	"herbert herb bert",
	"isabella isabel bella izzy",
	"jacob jake",
	"james jim jimmy jamie jem",
	"jane janet jenny jan",
	"jennifer jenny jen",
	"john jack johnny jock",
	"jonathan jon jonny",
	"joseph joe joey",
	"josephine jo josie",
	"joshua josh",
	"judith judy jude",
	"katharine katherine kate kathy",
	"kenneth ken kenny",
	"lawrence laurence larry laurie",
	"leonard len lenny leo",
	"louis lou lewis",
	"louisa louise lou lulu",
	"margaret maggie meg peggy marge madge daisy greta rita molly",
	"martha marty mattie patty",
	"mary molly polly mae mamie",
	"matthew matt matty",
	"michael mike mick mickey mikey",
	"nathaniel nathan nat nate",
	"nicholas nick nicky nico",
	"oliver ollie noll",
	"patrick pat paddy",
	"patricia pat patty trish tricia",
	"peter pete",
	"philip phillip phil pip",
	"rebecca becky becca",
	"richard dick rick ricky rich richie",
	"robert bob bobby rob robbie bert",
	"ronald ron ronnie",
	"samuel sam sammy",
	"sarah sara sally sadie",
	"stephen steven steve stevie",
	"susan susanna suzanne sue susie",
	"theodore theo ted teddy",
	"thomas tom tommy",
	"timothy tim timmy",
	"victoria vicky tori",
	"walter walt wally",
	"william bill billy will willy willie liam",
	"wilhelm willi",
	"giovanni gianni",
	"giuseppe beppe peppe pino",
	"francesco franco cesco",
	"johann johannes hans",
	"jose pepe",
	"francisco paco pancho",
	"ivan vanya",
}

// nicknames maps each name to the groups it belongs to.
var nicknames = func() map[string][]int {
	m := map[string][]int{}
	for g, names := range nicknameGroups {
		for _, n := range strings.Fields(names) {
			m[n] = append(m[n], g)
		}
	}
	return m
}()

// isNickname reports whether a and b are forms of one given name ("bill" and
// "william"), word by word for the first word of each.
func isNickname(a, b string) bool {
	a, _, _ = strings.Cut(a, " ")
	b, _, _ = strings.Cut(b, " ")
	for _, ga := range nicknames[a] {
		for _, gb := range nicknames[b] {
			if ga == gb {
				return true
			}
		}
	}
	return false
}
