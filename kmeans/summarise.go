package kmeans

import (
	"cmp"
	"math"
	"slices"
)

// summarise turns a labelling of the rows into k clusters, largest first, and returns
// them with each row's index among them. x holds the rows standardised.
func summarise(features []Feature, rows [][]float64, x []float64, labels []int, k int) ([]Cluster, []int) {
	d := len(features)
	size := make([]int, k)
	for _, c := range labels {
		size[c]++
	}
	order := make([]int, k) // order[new] is the cluster's label
	for c := range order {
		order[c] = c
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	rank := make([]int, k) // rank[label] is the cluster's index in the result
	for i, c := range order {
		rank[c] = i
	}

	clusters := make([]Cluster, k)
	members := make([][]int, k)
	for i, c := range order {
		clusters[i] = Cluster{Size: size[c], Centroid: make([]float64, d), Z: make([]float64, d)}
		members[i] = make([]int, 0, size[c])
	}
	assign := make([]int, len(labels))
	for i, label := range labels {
		c := rank[label]
		assign[i] = c
		members[c] = append(members[c], i)
		addTo(clusters[c].Centroid, rows[i], 1)
		addTo(clusters[c].Z, x[i*d:(i+1)*d], 1)
	}

	everyone := make([]float64, d)
	for _, r := range rows {
		addTo(everyone, r, 1)
	}
	for j := range everyone {
		everyone[j] /= float64(len(rows))
	}
	values := make([]float64, 0, slices.Max(size))
	for c := range clusters {
		cl := &clusters[c]
		n := float64(cl.Size)
		cl.Low, cl.High = make([]float64, d), make([]float64, d)
		for j := range d {
			cl.Centroid[j] /= n
			cl.Z[j] /= n
			values = values[:0]
			for _, i := range members[c] {
				values = append(values, rows[i][j])
			}
			slices.Sort(values)
			cl.Low[j], cl.High[j] = percentile(values, 0.1), percentile(values, 0.9)
		}
		cl.Description = describe(features, cl.Centroid, cl.Z, everyone)
	}
	return clusters, assign
}

// percentile is the p-quantile of the sorted values, interpolated linearly between the
// nearest ranks (Hyndman & Fan's type 7, the default of R and NumPy).
func percentile(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
