/**
 * Keyboard and screen-reader helpers (docs/accessibility.md): the focus back on the button that
 * opened a drawer or a dialog, and a table's hidden measuring row kept out of the tab order.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * Gives the focus back to what had it when the component mounted (the button that opened a
 * drawer or a dialog) once the component is gone. Ant Design's Drawer and Modal do this
 * themselves after their closing animation, but not when the page unmounts them on close, as
 * the pages here do; without it the focus falls to the page and a keyboard user starts over.
 */
export function useReturnFocus(): void {
  const [opener] = useState(() => (typeof document === 'undefined' ? null : document.activeElement));
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // After the drawer's nodes are gone; not after React's trial unmount in Strict Mode, which mounts again at once.
      setTimeout(() => {
        if (mounted.current || !(opener instanceof HTMLElement) || opener === document.body || !opener.isConnected) return;
        const now = document.activeElement;
        // The reader has moved on to something else: leave the focus there.
        if (now && now !== document.body && now.isConnected) return;
        opener.focus({ preventScroll: true });
      });
    };
  }, [opener]);
}

/**
 * Escape closes a drawer when pressed within it (its `onKeyDown`). Ant Design closes drawers
 * from a page-wide list of open popups and answers only the newest; a tooltip shown in the
 * drawer (the pointer resting on a photo) can stay on that list after it hides, and Escape then
 * no longer closes the drawer. Keys pressed in an open dropdown or a dialog opened from the
 * drawer (which sits outside the drawer's panel) are left to them.
 */
export function escapeCloses(onClose: () => void): { onKeyDown: (e: KeyboardEvent<HTMLElement>) => void } {
  return {
    onKeyDown: (e) => {
      if (e.key !== 'Escape' || e.nativeEvent.isComposing || e.defaultPrevented) return;
      const target = e.target as HTMLElement;
      if (!e.currentTarget.contains(target) || target.getAttribute('aria-expanded') === 'true') return;
      // Answered here once: the library's own page-wide handler does not close it a second time.
      e.stopPropagation();
      onClose();
    },
  };
}

/**
 * Its content, made inert where a table repeats it in the hidden row it measures columns with
 * (`aria-hidden`, so a checkbox there would be focusable yet hidden from screen readers).
 */
export function NotInHiddenRow({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el?.closest('[aria-hidden="true"]')) el.setAttribute('inert', '');
  }, []);
  return <span ref={ref}>{children}</span>;
}
