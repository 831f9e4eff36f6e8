package domain

// Stamp names the state of the data an evaluation was computed from: the
// agency-wide epoch and the version of each unit it depends on (migration
// 000021). Every change to those units' data gives a different stamp, in the
// transaction of the change, so an evaluation kept under a stamp is shown
// only while the data is still what it was computed from.
type Stamp string
