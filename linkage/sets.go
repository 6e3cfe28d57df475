package linkage

import "iter"

// Sets partitions the records 0 … n−1 into disjoint sets (union–find) and keeps the
// members of each set of more than one.
type Sets struct {
	parent  []int32
	members map[int32][]int32 // per root of a set of more than one
}

// NewSets puts each of n records in a set of its own.
func NewSets(n int) *Sets {
	s := &Sets{parent: make([]int32, n), members: map[int32][]int32{}}
	for i := range s.parent {
		s.parent[i] = int32(i)
	}
	return s
}

// Find returns the root of x's set.
func (s *Sets) Find(x int32) int32 {
	for s.parent[x] != x {
		s.parent[x] = s.parent[s.parent[x]]
		x = s.parent[x]
	}
	return x
}

// Members lists the records of the set whose root is root.
func (s *Sets) Members(root int32) []int32 {
	if m, ok := s.members[root]; ok {
		return m
	}
	return []int32{root}
}

// Union puts the set of root b into the set of root a, which stays the root.
func (s *Sets) Union(a, b int32) {
	ma, mb := s.Members(a), s.Members(b)
	s.members[a] = append(append(make([]int32, 0, len(ma)+len(mb)), ma...), mb...)
	s.parent[b] = a
	delete(s.members, b)
}

// Joined yields the root and members of every set of more than one record.
func (s *Sets) Joined() iter.Seq2[int32, []int32] {
	return func(yield func(int32, []int32) bool) {
		for root, m := range s.members {
			if !yield(root, m) {
				return
			}
		}
	}
}
