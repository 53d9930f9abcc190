import { useEffect } from 'react';

/** Sets the document title (what screen readers announce and tabs show). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Modelyard`;
  }, [title]);
}
