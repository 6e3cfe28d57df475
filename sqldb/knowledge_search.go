package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/editdistance"
	"github.com/rapportckm/rapport/textsearch"
	"github.com/rapportckm/rapport/thousands"
)

var _ rapport.KnowledgeSearch = (*DB)(nil)

// The knowledge base's search.
//
// Text is analysed once, in Go (package textsearch), for the index and for queries, so
// that both databases see identical terms. Articles are ranked by BM25 as SQLite's FTS5
// computes it (k1 = 1.2, b = 0.75, an IDF of log((N − n + 0.5)/(n + 0.5)), at least
// 1e-6), with a term's frequency counted over the fields with their weights below and
// the length normalised over the whole article; PostgreSQL computes the same from the
// postings it keeps (see its migration 0027). A query's words are ORed: an article
// matching more of them, more often, in its title, ranks higher; except that common
// words (markCommon) only rank what the others match.
//
// Who may read a hit, and so the totals and facets, is decided from the catalogue in
// memory (catalogued.access, which must agree with visibleArticle: the contract test
// ArticleAccess checks it), with articles chosen for some customers asked of the
// database through visibleArticle; the words offered as corrections are checked by
// visibleArticle (a word is offered only if an article the reader may see holds it).
// The statistics BM25 uses
// (how many articles, how many hold a term), and so which words are common, are those
// of the whole index.

// Weights of an article's fields in the BM25 frequency of a term: the title and the key
// points count above the body. Chosen, not tuned to any collection.
const (
	TitleWeight     = 2.0
	KeyPointsWeight = 1.5
	BodyWeight      = 1.0
)

// SearchTerm is a term of a query: a whole term, or a prefix that the word being typed
// begins with.
type SearchTerm struct {
	Text   string
	Prefix bool
	// Common marks a whole term that many articles hold (see markCommon): it adds to
	// the score of the articles the query's other terms match, but matches none itself.
	Common bool
	// TitleOnly counts the term only where it is in titles.
	TitleOnly bool
	typing    bool // a term made from the word being typed, never corrected
}

// Statement is a statement and its arguments, for a dialect to return.
type Statement struct {
	Query string
	Args  []any
}

// Bounds of a query.
const (
	maxQueryChars = 500
	maxQueryTerms = 16
	maxOffset     = 1000
	fewResults    = 3 // fewer results than this and "did you mean" looks for a better word
)

// indexArticle writes what the search index holds of the article id: its row as readers see it.
func (tx *Tx) indexArticle(id rapport.ID) error {
	var seq int64
	var title, keyPoints, body string
	if err := tx.queryRow(`SELECT seq, title, key_points, body FROM kb_articles WHERE id = $1`, id).Scan(&seq, &title, &keyPoints, &body); err != nil {
		return notFound(err, "article")
	}
	return tx.indexArticleRow(seq, title, keyPoints, body)
}

func (tx *Tx) indexArticleRow(seq int64, title, keyPoints, body string) error {
	doc := textsearch.Analyze(title, keyPoints, body)
	for _, st := range tx.db.dialect.IndexArticle(seq, &doc) {
		if _, err := tx.exec(st.Query, st.Args...); err != nil {
			return fmt.Errorf("index article %d: %w", seq, err)
		}
	}
	_, err := tx.exec(`UPDATE kb_articles SET search_version = $2 WHERE seq = $1`, seq, textsearch.Version)
	return err
}

// reindexArticles indexes the articles that were indexed with another version of the
// analysis, or never (written before the index existed), a batch to a transaction.
func (db *DB) reindexArticles(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := db.update(ctx, rapport.SystemScope("reindex"), func(tx *Tx) error {
			type row struct {
				seq                    int64
				title, keyPoints, body string
			}
			rows, err := queryAll(tx, `SELECT seq, title, key_points, body FROM kb_articles WHERE seq IN (SELECT seq FROM kb_articles
				WHERE search_version < $1 OR search_version > $1 LIMIT 500) ORDER BY seq`,
				[]any{textsearch.Version}, func(r Scanner) (row, error) {
					var x row
					return x, r.Scan(&x.seq, &x.title, &x.keyPoints, &x.body)
				})
			if err != nil {
				return err
			}
			for _, r := range rows {
				if err := tx.indexArticleRow(r.seq, r.title, r.keyPoints, r.body); err != nil {
					return err
				}
			}
			n = len(rows)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// queryPlan is a query analysed: its words as typed (folded) and the terms searched.
type queryPlan struct {
	tokens []textsearch.Token
	terms  []SearchTerm
}

func planQuery(text string, prefix bool) queryPlan {
	var p queryPlan
	p.tokens = textsearch.Tokens(text)
	seen := map[SearchTerm]bool{}
	add := func(st SearchTerm) {
		key := SearchTerm{Text: st.Text, Prefix: st.Prefix}
		if st.Text != "" && !seen[key] && len(p.terms) < maxQueryTerms {
			seen[key] = true
			p.terms = append(p.terms, st)
		}
	}
	for i, t := range p.tokens {
		if !prefix || i < len(p.tokens)-1 || t.End < len(text) {
			add(SearchTerm{Text: t.Term})
			continue
		}
		// The word being typed. The index holds stems, which may be shorter than what
		// is typed so far ("connecti" on the way to connecting, connect): it matches the
		// terms it begins and, as whole terms, its stem and its last few beginnings.
		r := []rune(t.Word)
		if len(r) < 2 {
			continue
		}
		add(SearchTerm{Text: t.Word, Prefix: true, typing: true})
		add(SearchTerm{Text: textsearch.Stem(t.Word), typing: true})
		for k := max(3, len(r)-3); k < len(r); k++ {
			add(SearchTerm{Text: string(r[:k]), typing: true})
		}
	}
	return p
}

// normalized is the query as searches are grouped by: its terms (stems) in order.
func (p queryPlan) normalized() string {
	var ws []string
	for _, t := range p.terms {
		ws = append(ws, t.Text)
	}
	return strings.Join(ws, " ")
}

func (db *DB) SearchArticles(ctx context.Context, s rapport.Scope, sq rapport.SearchQuery) (*rapport.SearchResult, error) {
	sq.Text = strings.ToValidUTF8(sq.Text, " ")
	if r := []rune(sq.Text); len(r) > maxQueryChars {
		sq.Text = string(r[:maxQueryChars])
	}
	sq.Limit = limit(sq.Limit, 10, 100)
	if sq.Offset < 0 || sq.Offset > maxOffset {
		return nil, rapport.FieldError("offset", "offset must be between 0 and %d", maxOffset)
	}
	if len(sq.Product) > 200 {
		return nil, rapport.FieldError("product", "product is too long")
	}
	plan := planQuery(sq.Text, sq.Prefix)
	res := &rapport.SearchResult{Hits: []rapport.SearchHit{}, Categories: []rapport.Facet{}, Products: []rapport.Facet{}}
	err := db.view(ctx, s, func(tx *Tx) error { return tx.searchArticles(sq, plan, res) })
	if err != nil {
		return nil, err
	}
	if sq.Log && strings.TrimSpace(sq.Text) != "" {
		if res.SearchID, err = db.logSearch(ctx, s, sq, plan, res.Total); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// categories reads the category tree: each category's parent and name.
func (tx *Tx) categories() (map[rapport.ID]rapport.Category, error) {
	list, err := queryAll(tx, `SELECT id, parent_id, name FROM kb_categories`, nil, func(r Scanner) (rapport.Category, error) {
		var c rapport.Category
		return c, r.Scan(&c.ID, &c.ParentID, &c.Name)
	})
	out := make(map[rapport.ID]rapport.Category, len(list))
	for _, c := range list {
		out[c.ID] = c
	}
	return out, err
}

// categoryAndChildren is the category id and all below it in the tree.
func categoryAndChildren(tree map[rapport.ID]rapport.Category, id rapport.ID) map[rapport.ID]bool {
	out := map[rapport.ID]bool{id: true}
	for added := true; added; {
		added = false
		for _, c := range tree {
			if out[c.ParentID] && !out[c.ID] {
				out[c.ID], added = true, true
			}
		}
	}
	return out
}

func (tx *Tx) searchArticles(sq rapport.SearchQuery, plan queryPlan, res *rapport.SearchResult) error {
	if len(plan.terms) == 0 {
		return nil
	}
	df, articles, err := tx.termDocs(plan.terms)
	if err != nil {
		return err
	}
	// Words no article the reader may see holds are typing mistakes: search for the
	// nearest word that one does hold instead.
	corrected := map[string]string{}
	terms := make([]SearchTerm, 0, len(plan.terms))
	for _, t := range plan.terms {
		if !t.typing {
			n := min(df[t.Text], 1) // staff see every article the index holds
			if n > 0 && !tx.scope.IsStaff() {
				if n, err = tx.visibleMatches(t.Text, 1); err != nil {
					return err
				}
			}
			if n == 0 {
				better, err := tx.nearestWord(t.Text, 1)
				if err != nil {
					return err
				}
				if better != "" {
					corrected[t.Text] = better
					t.Text = better
				}
			}
		}
		if !slices.ContainsFunc(terms, func(o SearchTerm) bool { return o.Text == t.Text && o.Prefix == t.Prefix }) {
			terms = append(terms, t) // "pasword password" searches password once
		}
	}
	if len(corrected) > 0 {
		if df, _, err = tx.termDocs(terms); err != nil {
			return err
		}
	}
	terms = markCommon(withoutCommon(terms, df, articles), df, articles, tx.db.CommonTermFloor)
	if err := tx.rankArticles(sq, terms, res); err != nil {
		return err
	}
	if sq.Prefix {
		return nil
	}
	// Few results without a correction: perhaps a rare word was mistyped for a common one.
	if len(corrected) == 0 && res.Total < fewResults {
		for _, t := range terms {
			if t.typing {
				continue
			}
			n, err := tx.visibleMatches(t.Text, fewResults)
			if err != nil {
				return err
			}
			if n >= fewResults {
				continue
			}
			better, err := tx.nearestWord(t.Text, fewResults)
			if err != nil {
				return err
			}
			if better != "" {
				corrected[t.Text] = better
			}
		}
	}
	if len(corrected) > 0 {
		dym, err := tx.didYouMean(plan, corrected)
		if err != nil {
			return err
		}
		res.DidYouMean = dym
	}
	return nil
}

// termDocs returns how many articles of the index hold each whole term, and how many
// articles it holds.
func (tx *Tx) termDocs(terms []SearchTerm) (map[string]int, int64, error) {
	var whole []string
	for _, t := range terms {
		if !t.Prefix {
			whole = append(whole, t.Text)
		}
	}
	df := map[string]int{}
	if len(whole) > 0 {
		q := &Query{}
		type termDF struct {
			term string
			n    int
		}
		list, err := queryAll(tx, tx.db.dialect.ArticleTermDocs(q, whole), q.Args(), func(r Scanner) (termDF, error) {
			var x termDF
			return x, r.Scan(&x.term, &x.n)
		})
		if err != nil {
			return nil, 0, err
		}
		for _, x := range list {
			df[x.term] = x.n
		}
	}
	query, read := tx.db.dialect.ArticleCount()
	var raw any
	if err := tx.queryRow(query).Scan(&raw); err != nil {
		if err == sql.ErrNoRows {
			return df, 0, nil
		}
		return nil, 0, err
	}
	n, err := read(raw)
	return df, n, err
}

// withoutCommon leaves out the whole terms that half the articles or more hold, when
// other terms remain: BM25 gives them no weight (an IDF of 1e-6), so they would only
// add matches ranked last, and cost the time to count them.
func withoutCommon(terms []SearchTerm, df map[string]int, articles int64) []SearchTerm {
	var kept []SearchTerm
	for _, t := range terms {
		if t.Prefix || 2*int64(df[t.Text]) < articles {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return terms
	}
	return kept
}

// Matching says which articles the terms match: those that hold every term of all and,
// unless anyOf is empty, at least one of anyOf. The query's other terms only rank.
//   - With no common term, any term matches (the OR of them all).
//   - With common terms, any of the others matches and the common ones only rank.
//   - When all are common, an article must hold them all.
//   - When the only others are the word being typed, alone (TitleOnly, see
//     markCommon), an article must hold every common term and the typed word in its
//     title, as a search while typing expects of the words typed so far.
func Matching(terms []SearchTerm) (all, anyOf []SearchTerm) {
	var common, rare []SearchTerm
	titles := true
	for _, t := range terms {
		if t.Common {
			common = append(common, t)
		} else {
			rare = append(rare, t)
			titles = titles && t.TitleOnly
		}
	}
	switch {
	case len(rare) == 0:
		return common, nil
	case len(common) > 0 && titles:
		return common, rare
	}
	return nil, rare
}

// markCommon marks the whole terms that more than 1% of the articles, and more than
// floor articles (1,000 when 0), hold. An article must hold one of the query's other
// terms to match; the common ones add to its score (see Matching for the cases where
// an article must hold them). So the work of a search is bounded by its informative
// words (as with the "common terms" queries of other engines): "reset password
// widget" matches the articles about widgets, ranked with reset and password too,
// not every article that says "password". Below 100 times floor articles no whole term
// is common, and every search is the plain OR of its words.
func markCommon(terms []SearchTerm, df map[string]int, articles int64, floor int) []SearchTerm {
	if floor <= 0 {
		floor = 1000
	}
	out := make([]SearchTerm, len(terms))
	informative := false
	for i, t := range terms {
		n := int64(df[t.Text])
		t.Common = !t.typing && n > int64(floor) && 100*n > articles
		informative = informative || (!t.typing && !t.Common)
		out[i] = t
	}
	// The word being typed ranks what the whole words match; typed alone, or with only
	// common words, it matches titles: its first letters begin too many words of the
	// bodies.
	for i := range out {
		if out[i].typing {
			out[i].Common, out[i].TitleOnly = informative, !informative
		}
	}
	return out
}

// rankArticles fills in the page of hits, the total and the facets. The database
// scores the matches (RankArticles); who may read each, and the facets, come from the
// catalogue in memory; only the page's articles are read.
func (tx *Tx) rankArticles(sq rapport.SearchQuery, terms []SearchTerm, res *rapport.SearchResult) error {
	kb, err := tx.db.catalogue(tx)
	if err != nil {
		return err
	}
	// The category tree, read once, when a category is chosen or counted.
	var tree map[rapport.ID]rapport.Category
	readTree := func() (err error) {
		if tree == nil {
			tree, err = tx.categories()
		}
		return err
	}
	var inCategory map[rapport.ID]bool
	if !sq.CategoryID.IsZero() {
		if err := readTree(); err != nil {
			return err
		}
		inCategory = categoryAndChildren(tree, sq.CategoryID)
	}
	// Type-ahead counts no facets: only the best matches are scored into Go, with
	// spares for those the reader may not see or did not choose; all of them only if
	// too few are left.
	limit := 0
	if sq.Prefix {
		limit = 4*(sq.Offset+sq.Limit) + 20
	}
	var page []scoredMatch
	byCategory := map[rapport.ID]int{}
	byProduct := map[string]int{}
	for {
		matches, complete, err := tx.readableMatches(kb, terms, limit)
		if err != nil {
			return err
		}
		// Each facet counts the matches within the other facet chosen.
		page = page[:0]
		clear(byCategory)
		clear(byProduct)
		for _, m := range matches {
			category := inCategory == nil || inCategory[m.a.category]
			product := sq.Product == "" || slices.Contains(m.a.products, sq.Product)
			if category && product {
				page = append(page, m)
			}
			if sq.Prefix {
				continue // type-ahead shows no facets
			}
			if product {
				byCategory[m.a.category]++
			}
			if category {
				for _, p := range m.a.products {
					byProduct[p]++
				}
			}
		}
		if complete || len(page) >= sq.Offset+sq.Limit {
			break
		}
		limit = 0
	}
	slices.SortFunc(page, func(x, y scoredMatch) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		return cmp.Compare(x.a.seq, y.a.seq)
	})
	total := len(page)
	page = page[min(sq.Offset, len(page)):min(sq.Offset+sq.Limit, len(page))]
	if len(page) > 0 {
		q := &Query{}
		seqs := make([]any, len(page))
		for i, m := range page {
			seqs[i] = m.a.seq
		}
		body := "a.body"
		if sq.Prefix {
			body = "''" // suggestions show no snippet
		}
		read, err := queryAll(tx, `SELECT a.id, a.slug, a.title, a.key_points, `+body+`, a.category_id FROM kb_articles a WHERE a.seq IN `+q.In(seqs...),
			q.Args(), func(r Scanner) (rapport.SearchHit, error) {
				var h rapport.SearchHit
				var body string
				err := r.Scan(&h.ID, &h.Slug, &h.Title, &h.KeyPoints, &body, &h.CategoryID)
				if !sq.Prefix {
					h.Snippet = snippetOf(h.KeyPoints, body, terms)
				}
				return h, err
			})
		if err != nil {
			return err
		}
		for _, m := range page {
			for _, h := range read {
				if h.ID == m.a.id {
					h.Score = m.score
					res.Hits = append(res.Hits, h)
				}
			}
		}
	}
	if sq.Prefix {
		res.Total = len(res.Hits)
		return nil
	}
	res.Total = total
	if total == 0 {
		res.Categories = []rapport.Facet{}
		return nil
	}
	for id := range byCategory {
		if !id.IsZero() { // some match has a category
			if err := readTree(); err != nil {
				return err
			}
			break
		}
	}
	categoryFacets(tree, byCategory, res)
	for p, n := range byProduct {
		res.Products = append(res.Products, rapport.Facet{Value: p, Label: p, Count: n})
	}
	sortFacets(res.Products)
	res.Products = res.Products[:min(len(res.Products), 50)]
	return nil
}

// scoredMatch is an article a search matched, with its score.
type scoredMatch struct {
	a     *catalogued
	score float64
}

// readableMatches returns the matches of the terms the reader may read, with their
// scores: the best limit of all matches (0: all of them), and whether that was all.
func (tx *Tx) readableMatches(kb *catalogue, terms []SearchTerm, limit int) ([]scoredMatch, bool, error) {
	q := &Query{}
	query := `SELECT m.seq, m.score FROM ` + tx.db.dialect.RankArticles(q, terms) + ` m`
	if limit > 0 {
		query += ` ORDER BY m.score DESC, m.seq LIMIT ` + strconv.Itoa(limit)
	}
	var ask []any // matches chosen for some customers: the database says whether for this one
	matches, err := queryAll(tx, query, q.Args(), func(r Scanner) (scoredMatch, error) {
		var seq int64
		var m scoredMatch
		err := r.Scan(&seq, &m.score)
		if m.a = kb.bySeq[seq]; m.a != nil && m.a.access(tx.scope) == askDatabase {
			ask = append(ask, seq)
		}
		return m, err
	})
	if err != nil {
		return nil, false, err
	}
	chosen := map[int64]bool{}
	for len(ask) > 0 {
		batch := ask[:min(len(ask), ingestChunk)]
		ask = ask[len(batch):]
		q := &Query{}
		seqs, err := queryAll(tx, `SELECT a.seq FROM kb_articles a WHERE a.seq IN `+q.In(batch...)+` AND `+visibleArticle(q, tx.scope, "a"), q.Args(),
			func(r Scanner) (int64, error) {
				var seq int64
				return seq, r.Scan(&seq)
			})
		if err != nil {
			return nil, false, err
		}
		for _, seq := range seqs {
			chosen[seq] = true
		}
	}
	complete := limit == 0 || len(matches) < limit
	readable := matches[:0]
	for _, m := range matches {
		if m.a == nil {
			continue
		}
		if ok := m.a.access(tx.scope); ok == allowed || ok == askDatabase && chosen[m.a.seq] {
			readable = append(readable, m)
		}
	}
	return readable, complete, nil
}

// snippetOf is the passage of an article's key points and body that best matches.
func snippetOf(keyPoints, body string, terms []SearchTerm) []rapport.Snippet {
	m := textsearch.Matcher{Terms: map[string]bool{}}
	for _, t := range terms {
		if t.Prefix {
			m.Prefixes = append(m.Prefixes, t.Text)
		} else {
			m.Terms[t.Text] = true
		}
	}
	text := body
	if keyPoints != "" {
		text = keyPoints + "\n\n" + body
	}
	pieces := textsearch.SnippetMarkdown(text, m, 30)
	out := make([]rapport.Snippet, len(pieces))
	for i, p := range pieces {
		out[i] = rapport.Snippet{Text: p.Text, Match: p.Match}
	}
	return out
}

// categoryFacets makes the category facets of the counts of matches by category: a
// category counts the matches in it and in its children.
func categoryFacets(tree map[rapport.ID]rapport.Category, byCategory map[rapport.ID]int, res *rapport.SearchResult) {
	res.Categories = []rapport.Facet{}
	totals := map[rapport.ID]int{}
	for category, n := range byCategory {
		seen := map[rapport.ID]bool{}
		for id := category; !id.IsZero() && !seen[id]; id = tree[id].ParentID {
			seen[id] = true
			totals[id] += n
		}
	}
	for id, n := range totals {
		res.Categories = append(res.Categories, rapport.Facet{Value: id.String(), Label: tree[id].Name, Count: n})
	}
	sortFacets(res.Categories)
}

func sortFacets(fs []rapport.Facet) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Count != fs[j].Count {
			return fs[i].Count > fs[j].Count
		}
		return fs[i].Label < fs[j].Label
	})
}

// visibleMatches counts the articles the reader may see that hold term, up to atMost.
func (tx *Tx) visibleMatches(term string, atMost int) (int, error) {
	q := &Query{}
	from := tx.db.dialect.ArticleMatches(q, []SearchTerm{{Text: term}})
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM `+from+` m JOIN `+tx.db.dialect.SearchedArticles()+` ON a.seq = m.seq WHERE `+
		visibleArticle(q, tx.scope, "a")+` LIMIT `+strconv.Itoa(atMost)+`) x`, q.Args()...).Scan(&n)
	return n, err
}

// nearestWord returns the indexed term nearest to term (within textsearch.MaxEdits)
// that at least atLeast articles the reader may see hold, the most of them among the
// nearest; "" when there is none. Candidates come from the vocabulary of the whole
// index but are offered only when the reader's own articles bear them out.
func (tx *Tx) nearestWord(term string, atLeast int) (string, error) {
	maxEdits := textsearch.MaxEdits(term)
	if maxEdits == 0 {
		return "", nil
	}
	type cand struct {
		term     string
		distance int
		df       int
	}
	var cands []cand
	n := utf8.RuneCountInString(term)
	// The vocabulary beginning with the word's first letter, or its second (a first
	// letter added or swapped).
	firsts := []rune(term)[:min(2, n)]
	if len(firsts) == 2 && firsts[0] == firsts[1] {
		firsts = firsts[:1]
	}
	seen := map[string]bool{term: true}
	for _, first := range firsts {
		q := &Query{}
		query := tx.db.dialect.ArticleVocabulary(q, string(first), n-maxEdits, n+maxEdits)
		words, err := queryAll(tx, query, q.Args(), func(r Scanner) (cand, error) {
			var c cand
			return c, r.Scan(&c.term, &c.df)
		})
		if err != nil {
			return "", err
		}
		for _, w := range words {
			if seen[w.term] {
				continue
			}
			seen[w.term] = true
			if w.distance = editdistance.Distance(term, w.term, maxEdits); w.distance <= maxEdits {
				cands = append(cands, w)
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].distance != cands[j].distance {
			return cands[i].distance < cands[j].distance
		}
		if cands[i].df != cands[j].df {
			return cands[i].df > cands[j].df
		}
		return cands[i].term < cands[j].term
	})
	best, bestDistance, bestN := "", 0, 0
	for i, c := range cands {
		if i == 8 || (best != "" && c.distance > bestDistance) {
			break
		}
		n, err := tx.visibleMatches(c.term, 100)
		if err != nil {
			return "", err
		}
		if n >= atLeast && n > bestN {
			best, bestDistance, bestN = c.term, c.distance, n
		}
	}
	return best, nil
}

// didYouMean writes the query with each corrected word replaced by the word the
// reader's articles spell it with most.
func (tx *Tx) didYouMean(plan queryPlan, corrected map[string]string) (string, error) {
	spelling := map[string]string{}
	for _, better := range corrected {
		w, err := tx.spellingOf(better)
		if err != nil {
			return "", err
		}
		spelling[better] = w
	}
	var ws []string
	changed := false
	for _, t := range plan.tokens {
		if better, ok := corrected[t.Term]; ok && t.Term != "" {
			ws = append(ws, spelling[better])
			changed = true
		} else {
			ws = append(ws, t.Word)
		}
	}
	if !changed {
		return "", nil
	}
	return strings.Join(ws, " "), nil
}

// spellingOf returns the word most often written for term in an article the reader
// may see that holds it.
func (tx *Tx) spellingOf(term string) (string, error) {
	q := &Query{}
	from := tx.db.dialect.ArticleMatches(q, []SearchTerm{{Text: term}})
	var seq int64
	err := tx.queryRow(`SELECT m.seq FROM `+from+` m JOIN `+tx.db.dialect.SearchedArticles()+` ON a.seq = m.seq WHERE `+
		visibleArticle(q, tx.scope, "a")+` ORDER BY m.seq LIMIT 1`, q.Args()...).Scan(&seq)
	if err == sql.ErrNoRows {
		return term, nil
	} else if err != nil {
		return "", err
	}
	var title, keyPoints, body string
	if err := tx.queryRow(`SELECT title, key_points, body FROM kb_articles WHERE seq = $1`, seq).Scan(&title, &keyPoints, &body); err != nil {
		return "", err
	}
	counts := map[string]int{}
	best := term
	for _, t := range textsearch.Tokens(title + "\n" + keyPoints + "\n" + textsearch.PlainText(body)) {
		if t.Term == term {
			counts[t.Word]++
			if c := counts[t.Word]; c > counts[best] || (c == counts[best] && t.Word < best) {
				best = t.Word
			}
		}
	}
	return best, nil
}

// logSearch records a search and, for a signed-in customer, puts it on their timeline.
func (db *DB) logSearch(ctx context.Context, s rapport.Scope, sq rapport.SearchQuery, plan queryPlan, results int) (rapport.ID, error) {
	id := rapport.NewID()
	reader := "visitor"
	var customer rapport.ID
	switch {
	case s.IsStaff():
		reader = "staff"
	case s.Kind == rapport.ActorCustomer && !s.CustomerID.IsZero():
		reader, customer = "customer", s.CustomerID
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		var cust any
		if !customer.IsZero() {
			cust = customer
		}
		if _, err := tx.exec(`INSERT INTO kb_searches (id, at, query, normalized, results, reader, recorded_customer_id, customer_id,
			user_id, category_id, product) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)`,
			id, tx.now, sq.Text, plan.normalized(), results, reader, cust, s.UserID, sq.CategoryID, sq.Product); err != nil {
			return err
		}
		if customer.IsZero() {
			return nil
		}
		summary := fmt.Sprintf("Searched the help centre for %q: %s", strings.TrimSpace(sq.Text), thousands.Count(results, "article"))
		return tx.writeEntry(entry{customer: customer, channel: "portal", summary: summary,
			attrs: map[string]any{"event": "kb_search", "search_id": id.String(), "query": sq.Text, "results": results}})
	})
	return id, err
}

// PrefixEnd is the first string after all those that begin with prefix, in byte order.
func PrefixEnd(prefix string) string {
	r := []rune(prefix)
	if len(r) == 0 {
		return "\U0010FFFF"
	}
	r[len(r)-1]++
	return string(r)
}

// unindexArticle removes an article from the search index, for when its row is deleted.
func (tx *Tx) unindexArticle(seq int64) error {
	for _, st := range tx.db.dialect.IndexArticle(seq, nil) {
		if _, err := tx.exec(st.Query, st.Args...); err != nil {
			return err
		}
	}
	return nil
}
