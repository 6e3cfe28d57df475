package theme

import (
	"math"
	"slices"
	"strings"
)

// Vector is a sparse vector: terms in increasing order and their weights.
type Vector struct {
	Terms   []int32
	Weights []float32
}

// Dot is the dot product of two vectors; of two unit vectors, their cosine similarity.
func Dot(a, b Vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a.Terms) && j < len(b.Terms); {
		switch {
		case a.Terms[i] < b.Terms[j]:
			i++
		case a.Terms[i] > b.Terms[j]:
			j++
		default:
			s += float64(a.Weights[i]) * float64(b.Weights[j])
			i++
			j++
		}
	}
	return s
}

// Vocabulary holds the terms of a corpus with their inverse document frequencies.
type Vocabulary struct {
	Docs    int              // texts it was made from
	Terms   []string         // each term: a stem, or two joined by a space
	DF      []int32          // texts each term occurs in
	IDF     []float32        // ln((1+Docs)/(1+DF)) + 1
	index   map[string]int32 // term → position
	surface map[string]string
}

// MinDF is the fewest texts a term must occur in to be kept: a term seen once cannot
// make two texts alike.
const MinDF = 2

// MaxDF is the largest share of texts a term may occur in to be kept: a term in more
// than half of them tells no theme from another, and only draws texts together.
const MaxDF = 0.5

// NewVocabulary counts the terms of texts (as returned by Features) and keeps those
// in at least MinDF and at most a share MaxDF of them. surfaces maps stems to the folded word they are most
// often written as, for labels.
func NewVocabulary(features [][]string, surfaces map[string]string) *Vocabulary {
	return newVocabulary(features, surfaces, MaxDF)
}

func newVocabulary(features [][]string, surfaces map[string]string, maxDF float64) *Vocabulary {
	df := map[string]int32{}
	seen := map[string]bool{}
	for _, f := range features {
		clear(seen)
		for _, t := range f {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	v := &Vocabulary{Docs: len(features), index: map[string]int32{}, surface: surfaces}
	for t, n := range df {
		if n >= MinDF && float64(n) <= maxDF*float64(len(features)) {
			v.Terms = append(v.Terms, t)
		}
	}
	slices.Sort(v.Terms)
	for i, t := range v.Terms {
		v.index[t] = int32(i)
		v.DF = append(v.DF, df[t])
		v.IDF = append(v.IDF, float32(math.Log(float64(1+v.Docs)/float64(1+df[t]))+1))
	}
	return v
}

// Vector weighs a text's features: (1 + ln tf) × idf for each known term, the whole
// scaled to length 1. Terms the vocabulary does not know are left out.
func (v *Vocabulary) Vector(features []string) Vector {
	tf := make(map[int32]int, len(features))
	for _, f := range features {
		if i, ok := v.index[f]; ok {
			tf[i]++
		}
	}
	out := Vector{Terms: make([]int32, 0, len(tf)), Weights: make([]float32, 0, len(tf))}
	for i := range tf {
		out.Terms = append(out.Terms, i)
	}
	slices.Sort(out.Terms)
	var norm float64
	for _, i := range out.Terms {
		w := (1 + math.Log(float64(tf[i]))) * float64(v.IDF[i])
		out.Weights = append(out.Weights, float32(w))
		norm += w * w
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for k := range out.Weights {
			out.Weights[k] *= inv
		}
	}
	return out
}

// Surface is how a term is written in labels: each stem as the word it most often
// stands for.
func (v *Vocabulary) Surface(term int32) string {
	words := strings.Fields(v.Terms[term])
	for i, w := range words {
		if s, ok := v.surface[w]; ok {
			words[i] = s
		}
	}
	return strings.Join(words, " ")
}

// surfaceCounter finds, for each stem, the folded word written most often.
type surfaceCounter map[string]map[string]int

func (c surfaceCounter) add(toks []token) {
	for _, t := range toks {
		m := c[t.stem]
		if m == nil {
			m = map[string]int{}
			c[t.stem] = m
		}
		m[t.surface]++
	}
}

func (c surfaceCounter) best() map[string]string {
	out := make(map[string]string, len(c))
	for stem, m := range c {
		best, n := "", 0
		for w, k := range m {
			if k > n || k == n && w < best {
				best, n = w, k
			}
		}
		out[stem] = best
	}
	return out
}

// Corpus is a set of texts turned into vectors.
type Corpus struct {
	Vocabulary *Vocabulary
	Vectors    []Vector
}

// NewCorpus makes the vocabulary of texts and their vectors.
func NewCorpus(texts []string) *Corpus { return newCorpus(texts, MaxDF) }

// NewCorpusOfTheme is NewCorpus for the items of one theme, to split it: terms in more
// than half of them are kept, since a theme of two parts may have one part larger than
// half, whose words are what sets it apart.
func NewCorpusOfTheme(texts []string) *Corpus { return newCorpus(texts, 1) }

func newCorpus(texts []string, maxDF float64) *Corpus {
	features := make([][]string, len(texts))
	surfaces := surfaceCounter{}
	for i, t := range texts {
		toks := tokens(t)
		surfaces.add(toks)
		features[i] = featuresOf(toks)
	}
	v := newVocabulary(features, surfaces.best(), maxDF)
	c := &Corpus{Vocabulary: v, Vectors: make([]Vector, len(texts))}
	for i, f := range features {
		c.Vectors[i] = v.Vector(f)
	}
	return c
}

// VectorOf is a new text's vector in the vocabulary.
func (v *Vocabulary) VectorOf(text string) Vector { return v.Vector(Features(text)) }
