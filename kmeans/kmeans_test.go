package kmeans

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// checkPure fails unless every blob lies in one cluster of its own.
func checkPure(t *testing.T, assign, truth []int) map[int]int {
	t.Helper()
	clusterOf := map[int]int{} // blob → cluster
	blobOf := map[int]int{}    // cluster → blob
	for i, b := range truth {
		c, seen := clusterOf[b]
		if !seen {
			if other, taken := blobOf[assign[i]]; taken {
				t.Fatalf("blobs %d and %d share cluster %d", other, b, assign[i])
			}
			clusterOf[b], blobOf[assign[i]] = assign[i], b
			continue
		}
		if assign[i] != c {
			t.Fatalf("row %d of blob %d is in cluster %d, the blob's other rows in %d", i, b, assign[i], c)
		}
	}
	return clusterOf
}

func TestBlobs(t *testing.T) {
	rows, truth := shopBlobs(1)
	res, err := Run(shopFeatures, rows, Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 3 {
		t.Fatalf("k = %d, want 3; scores %v", res.K, res.Scores)
	}
	if len(res.Scores) != 7 || res.Scores[0].K != 2 || res.Scores[6].K != 8 {
		t.Fatalf("scores %v, want k from 2 to 8", res.Scores)
	}
	for _, s := range res.Scores {
		if s.K != 3 && s.Silhouette >= res.Silhouette {
			t.Errorf("k = %d scores %.3f, not below k = 3's %.3f", s.K, s.Silhouette, res.Silhouette)
		}
	}
	if res.Silhouette < 0.5 {
		t.Errorf("silhouette %.3f for well-separated blobs, want at least 0.5", res.Silhouette)
	}
	// Largest first: the blobs' own order, as they are 300, 200 and 100 rows.
	if c := checkPure(t, res.Assign, truth); c[0] != 0 || c[1] != 1 || c[2] != 2 {
		t.Errorf("blobs in clusters %v, want largest first", c)
	}

	// What each blob's description says, strongest first: feature and direction.
	type trait struct {
		feature int
		high    bool
	}
	want := []struct {
		size   int
		traits []trait
	}{
		{300, []trait{{0, false}}},
		{200, []trait{{0, true}, {1, true}, {2, false}}},
		{100, []trait{{2, true}, {1, false}, {0, false}}},
	}
	for c, w := range want {
		cl := res.Clusters[c]
		if cl.Size != w.size {
			t.Errorf("cluster %d has %d rows, want %d", c, cl.Size, w.size)
		}
		var says []string
		for _, tr := range w.traits {
			f := shopFeatures[tr.feature]
			says = append(says, traitWords(f, tr.high)+" (avg "+Number(cl.Centroid[tr.feature]))
		}
		if got := strings.ToLower(cl.Description); !containsInOrder(got, says) {
			t.Errorf("cluster %d is %q, want it to say %q in this order", c, cl.Description, says)
		}
		if strings.Contains(cl.Description, "years as a customer") {
			t.Errorf("cluster %d is %q: tenure, the same for all, named", c, cl.Description)
		}
		for j, f := range shopFeatures {
			if !(cl.Low[j] < cl.Centroid[j] && cl.Centroid[j] < cl.High[j]) {
				t.Errorf("cluster %d, %s: mean %.1f not between the percentiles %.1f and %.1f", c, f.Name, cl.Centroid[j], cl.Low[j], cl.High[j])
			}
		}
	}
	// A normal's 10th and 90th percentiles lie 1.28 sd either side of its mean: big
	// spenders' spend (mean 500, sd 20) from about 474 to 526.
	if lo, hi := res.Clusters[1].Low[0], res.Clusters[1].High[0]; math.Abs(lo-474) > 8 || math.Abs(hi-526) > 8 {
		t.Errorf("big spenders' spend from %.1f to %.1f, want about 474 to 526", lo, hi)
	}
	checkCentroids(t, res, rows)
	checkZ(t, res, rows)
}

// checkCentroids checks each cluster's centroid against its members, worked out here.
func checkCentroids(t *testing.T, res *Result, rows [][]float64) {
	t.Helper()
	for c, cl := range res.Clusters {
		for j := range rows[0] {
			if m, _ := meanSD(column(rows, j, res.Assign, c)); !close(cl.Centroid[j], m, 1e-9) {
				t.Errorf("cluster %d, feature %d: centroid %g, want %g", c, j, cl.Centroid[j], m)
			}
		}
	}
}

// checkZ checks each cluster's z against its members in rows, as the clustering sees
// them: how far their mean lies from everyone's, in standard deviations.
func checkZ(t *testing.T, res *Result, rows [][]float64) {
	t.Helper()
	for j := range rows[0] {
		mean, sd := meanSD(column(rows, j, nil, 0))
		for c, cl := range res.Clusters {
			m, _ := meanSD(column(rows, j, res.Assign, c))
			if want := (m - mean) / sd; !close(cl.Z[j], want, 1e-9) {
				t.Errorf("cluster %d, feature %d: z %g, want %g", c, j, cl.Z[j], want)
			}
		}
	}
}

// column is feature j of the rows of cluster c, or of all rows when assign is nil.
func column(rows [][]float64, j int, assign []int, c int) []float64 {
	var v []float64
	for i, row := range rows {
		if assign == nil || assign[i] == c {
			v = append(v, row[j])
		}
	}
	return v
}

// traitWords is how a description names a feature above or below the average.
func traitWords(f Feature, high bool) string {
	switch {
	case high && f.High != "":
		return strings.ToLower(f.High)
	case !high && f.Low != "":
		return strings.ToLower(f.Low)
	case high:
		return "high " + f.Label
	}
	return "low " + f.Label
}

// containsInOrder reports whether s contains each of parts, one after the other.
func containsInOrder(s string, parts []string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x / float64(len(v))
	}
	for _, x := range v {
		sd += (x - mean) * (x - mean) / float64(len(v))
	}
	return mean, math.Sqrt(sd)
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*max(1, math.Abs(b)) }

// TestSample scores k on a sample of the rows, not all of them.
func TestSample(t *testing.T) {
	rows, truth := shopBlobs(2)
	res, err := Run(shopFeatures, rows, Options{Seed: 3, SampleSize: 120})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 3 {
		t.Fatalf("k = %d, want 3; scores %v", res.K, res.Scores)
	}
	checkPure(t, res.Assign, truth)
	all, err := Run(shopFeatures, rows, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Silhouette == all.Silhouette {
		t.Errorf("the silhouette on 120 rows is that on all 600: %g", res.Silhouette)
	}
}

// TestDeterministic runs on data without clusters, where k-means's local minima
// differ from seed to seed, and expects the same result from the same seed, on one
// processor or several.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	rows := make([][]float64, 3000)
	for i := range rows {
		rows[i] = []float64{rng.Float64(), rng.ExpFloat64(), rng.NormFloat64()}
	}
	features := []Feature{{Name: "a"}, {Name: "b", Log: true}, {Name: "c"}}
	opt := Options{Seed: 11, SampleSize: 500}
	first, err := Run(features, rows, opt)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Run(features, rows, opt)
	if !reflect.DeepEqual(first, again) {
		t.Error("two runs with the same seed differ")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	serial, _ := Run(features, rows, opt)
	if !reflect.DeepEqual(first, serial) {
		t.Error("a run on one processor differs from one on several")
	}
	other, _ := Run(features, rows, Options{Seed: 12, SampleSize: 500})
	if reflect.DeepEqual(first.Scores, other.Scores) {
		t.Error("another seed gives the same scores: is the seed used?")
	}
}

// TestConstantFeature adds a column that is the same for everyone, with a value
// floating point cannot hold exactly: it must change nothing and never be named.
func TestConstantFeature(t *testing.T) {
	rows, truth := shopBlobs(1)
	withConstant := make([][]float64, len(rows))
	for i, row := range rows {
		withConstant[i] = append(append([]float64{}, row...), 0.1)
	}
	features := append(append([]Feature{}, shopFeatures...), Feature{Name: "rate", Label: "rate"})
	res, err := Run(features, withConstant, Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	without, err := Run(shopFeatures, rows, Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Assign, without.Assign) || !reflect.DeepEqual(res.Scores, without.Scores) {
		t.Error("a constant feature changed the clustering")
	}
	checkPure(t, res.Assign, truth)
	for c, cl := range res.Clusters {
		if cl.Z[4] != 0 || !close(cl.Centroid[4], 0.1, 1e-12) || cl.Low[4] != 0.1 || cl.High[4] != 0.1 {
			t.Errorf("cluster %d: constant 0.1 has z %g, mean %g, percentiles %g and %g", c, cl.Z[4], cl.Centroid[4], cl.Low[4], cl.High[4])
		}
		if strings.Contains(cl.Description, "rate") {
			t.Errorf("cluster %d is %q: a constant named", c, cl.Description)
		}
	}
}

// TestLogFeatures clusters log-normal amounts three orders of magnitude apart: on
// log1p they are three even groups; the centroid stays in original units.
func TestLogFeatures(t *testing.T) {
	sd := []float64{0.3, 0.3}
	features := []Feature{{Name: "spend", Label: "spend", Log: true}, {Name: "orders", Label: "orders", Log: true}}
	rows, truth := draw(7,
		blob{size: 150, mean: []float64{8, 3}, sd: sd, logNormal: true},
		blob{size: 100, mean: []float64{5, 2}, sd: sd, logNormal: true},
		blob{size: 50, mean: []float64{2, 0.5}, sd: sd, logNormal: true},
	)
	res, err := Run(features, rows, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 3 {
		t.Fatalf("k = %d, want 3; scores %v", res.K, res.Scores)
	}
	checkPure(t, res.Assign, truth)
	// The centroid in original units, z on log1p.
	checkCentroids(t, res, rows)
	logs := make([][]float64, len(rows))
	for i, row := range rows {
		logs[i] = []float64{math.Log1p(row[0]), math.Log1p(row[1])}
	}
	checkZ(t, res, logs)
	for c, want := range [][]string{
		{"high spend (avg " + Number(res.Clusters[0].Centroid[0]) + ")", "high orders"},
		{"close to the average customer"},
		{"low orders", "low spend"},
	} {
		if d := res.Clusters[c].Description; !containsInOrder(strings.ToLower(d), want) {
			t.Errorf("cluster %d is %q, want it to say %q", c, d, want)
		}
	}

	// On the raw amounts the big spenders' spread dwarfs the gap between the other
	// two groups, which are no longer told apart.
	raw := []Feature{{Name: "spend"}, {Name: "orders"}}
	flat, err := Run(raw, rows, Options{Seed: 1, MinK: 3, MaxK: 3})
	if err != nil {
		t.Fatal(err)
	}
	if flat.Assign[150] != flat.Assign[250] {
		t.Error("without log1p the middle and small groups are still apart: the test shows nothing")
	}
}

// TestTiny runs on four points on a line, whose silhouette is worked out by hand in
// TestSilhouette: standardising scales every distance alike, which changes nothing.
func TestTiny(t *testing.T) {
	rows := [][]float64{{0}, {1}, {4}, {6}}
	res, err := Run([]Feature{{Name: "x"}}, rows, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scores) != 1 || res.K != 2 {
		t.Fatalf("scores %v: with 4 rows only k = 2 has two rows per cluster", res.Scores)
	}
	if !reflect.DeepEqual(res.Assign, []int{0, 0, 1, 1}) {
		t.Errorf("assigned %v, want [0 0 1 1]", res.Assign)
	}
	if want := (0.8 + 0.75 + 3.0/7 + 7.0/11) / 4; !close(res.Silhouette, want, 1e-12) {
		t.Errorf("silhouette %.15f, want %.15f", res.Silhouette, want)
	}
}

// TestIdenticalRows has nothing to separate: there must be clusters all the same, and
// no NaN.
func TestIdenticalRows(t *testing.T) {
	rows := make([][]float64, 10)
	for i := range rows {
		rows[i] = []float64{3, 7}
	}
	res, err := Run([]Feature{{Name: "a"}, {Name: "b", Log: true}}, rows, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Scores {
		if s.Silhouette != 0 {
			t.Errorf("k = %d: silhouette %g of identical rows, want 0", s.K, s.Silhouette)
		}
	}
	if res.K != 2 {
		t.Errorf("k = %d: on a tie the smaller k should win", res.K)
	}
	total := 0
	for _, cl := range res.Clusters {
		total += cl.Size
		if cl.Size == 0 || cl.Description != "Close to the average customer" || cl.Centroid[0] != 3 {
			t.Errorf("cluster %+v", cl)
		}
	}
	if total != 10 {
		t.Errorf("%d rows in the clusters, want 10", total)
	}
}

func TestErrors(t *testing.T) {
	two := []Feature{{Name: "spend"}, {Name: "orders", Log: true}}
	good := [][]float64{{1, 1}, {2, 2}, {3, 3}, {4, 4}}
	with := func(i int, row ...float64) [][]float64 {
		rows := append([][]float64{}, good...)
		rows[i] = row
		return rows
	}
	cases := []struct {
		name     string
		features []Feature
		rows     [][]float64
		opt      Options
		want     string
	}{
		{"NaN", two, with(2, 3, math.NaN()), Options{}, "kmeans: row 2, feature orders: the value is NaN"},
		{"Inf", two, with(1, math.Inf(-1), 2), Options{}, "kmeans: row 1, feature spend: the value is infinite"},
		{"negative log", two, with(3, 4, -2), Options{}, "kmeans: row 3, feature orders: the value -2 is negative, but the feature is clustered on its logarithm"},
		{"short row", two, with(1, 2), Options{}, "kmeans: row 1 has 1 values, but there are 2 features"},
		{"long row", two, with(0, 1, 2, 3), Options{}, "kmeans: row 0 has 3 values, but there are 2 features"},
		{"too few", two, good[:3], Options{}, "kmeans: 3 rows are too few for 2 clusters: at least 4 are needed"},
		{"too few for MinK", two, good, Options{MinK: 3}, "kmeans: 4 rows are too few for 3 clusters: at least 6 are needed"},
		{"no rows", two, nil, Options{}, "kmeans: there are no rows to cluster"},
		{"no features", nil, [][]float64{{}, {}, {}, {}}, Options{}, "kmeans: there are no features to cluster on"},
		{"MinK 1", two, good, Options{MinK: 1}, "kmeans: MinK is 1, but the silhouette needs at least 2 clusters"},
		{"MaxK < MinK", two, good, Options{MinK: 4, MaxK: 3}, "kmeans: MaxK (3) is less than MinK (4)"},
		{"sample", two, good, Options{SampleSize: 1}, "kmeans: SampleSize is 1, but the silhouette needs at least 2 rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Run(c.features, c.rows, c.opt)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, %v; want error %q", res, err, c.want)
			}
		})
	}
}
