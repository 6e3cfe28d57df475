package kmeans

import "math"

// maxIterations caps Lloyd's iterations: on large data the last ones move a handful
// of rows between neighbouring clusters and change nothing that matters.
const maxIterations = 100

// lloyd runs Lloyd's iterations from the centres given (k-means: each row to its
// nearest centre, each centre to its rows' mean) until no row changes cluster or
// maxIterations pass. It returns the rows' clusters, none empty, and leaves the centres
// at their means.
//
// Most rows stay put from one iteration to the next, and bounds on distances (Hamerly
// 2010) prove it without measuring: the clusters are Lloyd's, found several times
// faster once the centres barely move.
func lloyd(x []float64, d int, centres []float64) []int {
	n, k := len(x)/d, len(centres)/d
	labels := make([]int, n)
	upper := make([]float64, n) // at least the row's distance to its centre
	lower := make([]float64, n) // at most its distance to any other centre
	counts := make([]int, k)
	before := make([]float64, k*d)
	forget := func() {
		for i := range n {
			upper[i], lower[i] = math.Inf(1), 0
		}
	}
	forget()
	for i := range labels {
		labels[i] = -1
	}
	assign(x, d, centres, labels, upper, lower)
	for range maxIterations {
		copy(before, centres)
		if updateCentres(x, d, labels, centres, counts) {
			forget() // rows moved to empty clusters: their bounds mean nothing
		} else {
			loosen(d, before, centres, labels, upper, lower)
		}
		if assign(x, d, centres, labels, upper, lower) == 0 {
			break
		}
	}
	// Stopped by the cap, the last assignment may have left a cluster empty (rows all
	// alike do, every time): one more update fills it.
	updateCentres(x, d, labels, centres, counts)
	return labels
}

// assign puts every row in the cluster of its nearest centre and returns how many
// changed cluster. A row stays without a look at the centres when its upper bound
// is below its lower bound, or below half the distance from its centre to the nearest
// other: then no other centre can be nearer. A row measured is given exact bounds.
func assign(x []float64, d int, centres []float64, labels []int, upper, lower []float64) int {
	k := len(centres) / d
	half := make([]float64, k)
	for c := range k {
		half[c] = math.Inf(1)
		for o := range k {
			if o != c {
				half[c] = min(half[c], math.Sqrt(sqDist(centres[c*d:(c+1)*d], centres[o*d:(o+1)*d]))/2)
			}
		}
	}
	changed := 0
	for i, own := range labels {
		row := x[i*d : (i+1)*d]
		if own >= 0 {
			bound := max(half[own], lower[i])
			if upper[i] <= bound {
				continue
			}
			if upper[i] = math.Sqrt(sqDist(row, centres[own*d:(own+1)*d])); upper[i] <= bound {
				continue
			}
		}
		best, first, second := 0, math.Inf(1), math.Inf(1)
		for c := range k {
			switch dc := sqDist(row, centres[c*d:(c+1)*d]); {
			case dc < first:
				best, first, second = c, dc, first
			case dc < second:
				second = dc
			}
		}
		if best != own {
			labels[i] = best
			changed++
		}
		upper[i], lower[i] = math.Sqrt(first), math.Sqrt(second)
	}
	return changed
}

// loosen widens the rows' bounds by how far the centres moved from before: a row's
// upper bound by its own centre's move, its lower bound by the largest move of another.
func loosen(d int, before, centres []float64, labels []int, upper, lower []float64) {
	k := len(centres) / d
	moved := make([]float64, k)
	largest, second, farthest := 0.0, 0.0, -1
	for c := range k {
		moved[c] = math.Sqrt(sqDist(before[c*d:(c+1)*d], centres[c*d:(c+1)*d]))
		switch {
		case moved[c] > largest:
			largest, second, farthest = moved[c], largest, c
		case moved[c] > second:
			second = moved[c]
		}
	}
	for i, c := range labels {
		upper[i] += moved[c]
		if c == farthest {
			lower[i] -= second
		} else {
			lower[i] -= largest
		}
	}
}

// updateCentres moves every centre to the mean of its rows, and reports whether a
// cluster was left empty. An empty cluster takes the row farthest from its centre, from
// a cluster that can spare it: where a centre is most evidently missing.
func updateCentres(x []float64, d int, labels []int, centres []float64, counts []int) bool {
	k := len(counts)
	clear(centres)
	clear(counts)
	for i, c := range labels {
		addTo(centres[c*d:(c+1)*d], x[i*d:(i+1)*d], 1)
		counts[c]++
	}
	empty := false
	for c := range k {
		if counts[c] == 0 {
			empty = true
			continue
		}
		for j := range d {
			centres[c*d+j] /= float64(counts[c])
		}
	}
	if !empty {
		return false
	}
	dist := make([]float64, len(labels))
	for i, c := range labels {
		dist[i] = sqDist(x[i*d:(i+1)*d], centres[c*d:(c+1)*d])
	}
	for c := range k {
		if counts[c] > 0 {
			continue
		}
		far := -1
		for i, v := range dist {
			if counts[labels[i]] > 1 && (far < 0 || v > dist[far]) {
				far = i
			}
		}
		row, from := x[far*d:(far+1)*d], labels[far]
		centre := centres[from*d : (from+1)*d]
		for j := range d { // the mean without the row
			centre[j] = (centre[j]*float64(counts[from]) - row[j]) / float64(counts[from]-1)
		}
		counts[from]--
		copy(centres[c*d:(c+1)*d], row)
		counts[c] = 1
		labels[far], dist[far] = c, 0
	}
	return true
}

// addTo adds sign times b to a.
func addTo(a, b []float64, sign float64) {
	for j, v := range b {
		a[j] += sign * v
	}
}

// sqDist is the squared Euclidean distance between a and b.
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for j, v := range a {
		t := v - b[j]
		s += t * t
	}
	return s
}
