// Calls to the master's operator API (JSON), the explain endpoint, and an agent's files API (through the master).

export async function call(type, extra = {}) {
  const response = await fetch('/api/v1', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
    body: JSON.stringify({type, ...extra}),
  });
  if (!response.ok) {
    throw new Error(`${type}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/** The allocator's reasons for not offering to a framework: [{role, reason, details}]. */
export async function explain(frameworkId) {
  const response = await fetch(`/api/v1/explain?framework_id=${encodeURIComponent(frameworkId)}`);
  if (!response.ok) {
    throw new Error(`explain: ${response.status} ${await response.text()}`);
  }
  return (await response.json()).why_not || [];
}

/** The base URL of an agent's HTTP API, from its AgentInfo; a cluster speaks TLS everywhere or nowhere, so the scheme is the page's. */
export function agentUrl(agentInfo) {
  return `${location.protocol}//${agentInfo.hostname}:${agentInfo.port || 5051}`;
}

/** Where this master passes an agent's files API on (read, browse, download), on the page's own origin. */
export function agentFiles(agentId) {
  return `/agents/${encodeURIComponent(agentId)}`;
}

/** Reads part of a file through an agent's files API at base ({data, offset}); null when it is not there. */
export async function readFile(base, path, offset, length) {
  const url = `${base}/files/read?path=${encodeURIComponent(path)}&offset=${offset}&length=${length}`;
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) {
    throw new Error(`files/read: ${response.status} ${await response.text()}`);
  }
  return response.json();
}
