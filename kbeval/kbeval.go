// Package kbeval measures the quality of the knowledge base's search on a test
// collection in the BEIR form (corpus.jsonl, queries.jsonl, qrels.tsv): it reads runs
// in the TREC format, scores them by nDCG@k and recall@k as trec_eval does, and makes
// the baseline run Rapport is compared with.
package kbeval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Qrels are the judgements: query id → document id → relevance (above 0: relevant).
type Qrels map[string]map[string]int

// ReadQrels reads a BEIR qrels.tsv (query-id, corpus-id, score; a header line) or a
// TREC qrels file (query-id 0 doc-id score).
func ReadQrels(r io.Reader) (Qrels, error) {
	out := Qrels{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || (line == 1 && f[0] == "query-id") {
			continue
		}
		var q, d, rel string
		switch len(f) {
		case 3:
			q, d, rel = f[0], f[1], f[2]
		case 4:
			q, d, rel = f[0], f[2], f[3]
		default:
			return nil, fmt.Errorf("line %d: want 3 or 4 fields (query-id corpus-id score, or qid 0 docid relevance), got %d", line, len(f))
		}
		n, err := strconv.Atoi(rel)
		if err != nil {
			return nil, fmt.Errorf("line %d: relevance %q is not a whole number", line, rel)
		}
		if out[q] == nil {
			out[q] = map[string]int{}
		}
		out[q][d] = n
	}
	return out, sc.Err()
}

// Hit is a document in a run.
type Hit struct {
	Doc   string
	Score float64
}

// Run is the ranked documents of each query.
type Run map[string][]Hit

// ReadRun reads a TREC run: qid Q0 docid rank score tag. Documents are ordered as
// trec_eval orders them: by score, highest first, ties by document id, descending.
func ReadRun(r io.Reader) (Run, error) {
	out := Run{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 6 {
			return nil, fmt.Errorf("line %d: want 6 fields (qid Q0 docid rank score tag), got %d", line, len(f))
		}
		score, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: score %q is not a number", line, f[4])
		}
		out[f[0]] = append(out[f[0]], Hit{Doc: f[2], Score: score})
	}
	for _, hits := range out {
		sort.SliceStable(hits, func(i, j int) bool {
			if hits[i].Score != hits[j].Score {
				return hits[i].Score > hits[j].Score
			}
			return hits[i].Doc > hits[j].Doc
		})
	}
	return out, sc.Err()
}

// WriteRun writes one query's hits as TREC run lines.
func WriteRun(w io.Writer, qid string, hits []Hit, tag string) error {
	for i, h := range hits {
		if _, err := fmt.Fprintf(w, "%s Q0 %s %d %.6f %s\n", qid, h.Doc, i+1, h.Score, tag); err != nil {
			return err
		}
	}
	return nil
}

// Scores are a run's mean measures over the judged queries.
type Scores struct {
	Queries int
	NDCG    float64 // nDCG@NDCGDepth
	Recall  float64 // recall@RecallDepth
}

// Evaluate scores run against qrels: nDCG at ndcgDepth (gain = relevance, discount
// log2(rank+1)) and recall at recallDepth, averaged over the queries with at least one
// relevant document; a query the run lacks scores 0.
func Evaluate(run Run, qrels Qrels, ndcgDepth, recallDepth int) Scores {
	var s Scores
	for q, judged := range qrels {
		var ideal []int
		relevant := 0
		for _, rel := range judged {
			if rel > 0 {
				ideal = append(ideal, rel)
				relevant++
			}
		}
		if relevant == 0 {
			continue
		}
		s.Queries++
		sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
		idcg := 0.0
		for i := 0; i < len(ideal) && i < ndcgDepth; i++ {
			idcg += float64(ideal[i]) / math.Log2(float64(i+2))
		}
		dcg, found := 0.0, 0
		for i, h := range run[q] {
			rel := judged[h.Doc]
			if i < ndcgDepth && rel > 0 {
				dcg += float64(rel) / math.Log2(float64(i+2))
			}
			if i < recallDepth && rel > 0 {
				found++
			}
		}
		s.NDCG += dcg / idcg
		s.Recall += float64(found) / float64(relevant)
	}
	if s.Queries > 0 {
		s.NDCG /= float64(s.Queries)
		s.Recall /= float64(s.Queries)
	}
	return s
}

// Doc is a document of a BEIR corpus.
type Doc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Query is a query of a BEIR queries file.
type Query struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// ReadJSONL calls fn with each line of r decoded into a T; blank lines are skipped.
func ReadJSONL[T any](r io.Reader, fn func(T) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := fn(v); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return sc.Err()
}
