/** The finding being recorded, as the page and its drawer share it. */
export interface Draft {
  item?: string;
  count?: number | null;
  element?: string;
  household?: string;
  note?: string;
}

/** A finding's count as the form takes it: a whole number of 1 or more (0 or empty is refused, naming the field). */
export const countOk = (count: number | null | undefined): count is number => typeof count === 'number' && Number.isInteger(count) && count >= 1;
