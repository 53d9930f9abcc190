import { useLocation, useSearch } from 'wouter';

/** The page's query string as state: what a page shows is in its URL, so the URL can be shared. */
export function useQueryParams(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    const qs = next.toString();
    navigate(`${location}${qs ? `?${qs}` : ''}`);
  };
  return [params, update];
}
