import { formatBytes } from '../components/format';
import { Problem } from '../components/problem';
import { useArtifacts } from './model-queries';

/** The chosen version's files with size and SHA-256. */
export function ArtifactsList({ model, version }: { model: string; version: string | null }) {
  const artifacts = useArtifacts(model, version);
  if (version === null) return <p>Choose a version.</p>;
  if (artifacts.isError) return <Problem error={artifacts.error} what="Artifacts" />;
  if (!artifacts.data) return <p aria-busy="true">Loading…</p>;
  if (!artifacts.data.items.length) return <p>v{version} has no artifact.</p>;
  return (
    <table data-testid="artifacts">
      <caption>Artifacts of v{version}</caption>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Size</th>
          <th scope="col">SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {artifacts.data.items.map((a) => (
          <tr key={a.path}>
            <td>{a.path}</td>
            <td className="num">{formatBytes(a.size)}</td>
            <td>
              <code className="sha">{a.sha256}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
