// Calls to bulkmsg's own API with the session cookie. State-changing calls carry the session's CSRF token
// (docs/users.md); every failure becomes an ApiError holding the API's status, code, message and details.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || [];
  }
}

export const session = { email: null, role: null, csrf: null };

export function canEdit() {
  return session.role === 'editor' || session.role === 'admin';
}

export function isAdmin() {
  return session.role === 'admin';
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status line is all there is
  }
  const e = body && body.error;
  return e ? new ApiError(response.status, e.code, e.message, e.details)
           : new ApiError(response.status, 'http_' + response.status, response.statusText || 'request failed');
}

export async function call(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin',
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', 'the server did not answer: ' + e.message);
  }
  if (!response.ok) {
    // A session that ended meanwhile (idle, logged out elsewhere, user disabled): the page shows the login again.
    if (response.status === 401 && path !== '/session') window.dispatchEvent(new Event('bulkmsg:session-ended'));
    throw await errorOf(response);
  }
  return response.status === 204 ? null : response.json();
}

export const v1 = (method, path, body) => call(method, '/api/v1' + path, body);

// Query string of the entries that have a value.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// Uploads a file as the request body with upload progress (fetch reports none), resolving to the API's JSON.
export function upload(path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('X-CSRF-Token', session.csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was interrupted'));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* reported below */ }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body);
      const e = body && body.error;
      reject(e ? new ApiError(xhr.status, e.code, e.message, e.details)
               : new ApiError(xhr.status, 'http_' + xhr.status, 'upload failed'));
    };
    xhr.send(file);
  });
}
