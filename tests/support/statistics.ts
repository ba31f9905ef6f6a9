/**
 * The Mann-Whitney U statistic of `a` against `b`, normalised to [0, 1]: the probability that a
 * value drawn from `a` is larger than one drawn from `b` (ties count half). 0.5 when the two
 * samples come from the same distribution, 1 when every `a` is larger than every `b`. Rank-based,
 * so a few outliers (a garbage-collection pause, a busy neighbour) barely move it.
 */
export function mannWhitneyAuc(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) throw new Error("both samples need values");
  let wins = 0;
  for (const x of a) {
    for (const y of b) {
      if (x > y) wins += 1;
      else if (x === y) wins += 0.5;
    }
  }
  return wins / (a.length * b.length);
}
