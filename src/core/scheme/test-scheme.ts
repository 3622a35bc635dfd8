/** A small valid scheme file the scheme tests break in one place each (test helper). */
export const VALID_SCHEME = `id: t
version: 1
title: T
sections:
  - code: "1"
    title: A
    points: 10
    pool: true
    children:
      - code: "1.1"
        title: a
        points: 6
        rule: { kind: perOccurrence, amount: 2 }
      - code: "1.2"
        title: b
        points: 4
        rule: { kind: allOrNothing }
`;
