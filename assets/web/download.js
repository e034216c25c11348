// Exports need the bearer token, which a link cannot carry: the file is fetched with it and handed
// to the browser as a download.

import { ApiError, NETWORK } from './errors.js';

/** The file name the server gave in `Content-Disposition`, or `fallback`. */
function fileName(response, fallback) {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename="([^"]+)"/.exec(disposition);
  return match ? match[1] : fallback;
}

async function fetchWith(url, token) {
  try {
    return await fetch(url, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    throw new ApiError(NETWORK, err?.message);
  }
}

/** The error an export answered (a JSON body with the same codes as GraphQL). */
async function refusal(response) {
  try {
    const body = await response.json();
    return ApiError.from(body.errors?.[0]);
  } catch {
    return new ApiError(response.status >= 500 ? 'SERVICE_UNAVAILABLE' : NETWORK, `HTTP ${response.status}`);
  }
}

/**
 * Downloads `path` (an `/exports/…` URL) as a file. The session is refreshed once if the token is
 * refused; any other refusal is thrown as an ApiError for the page to say next to the button.
 */
export async function download(api, path, fallbackName) {
  let token = await api.token();
  let response = await fetchWith(path, token);
  if (response.status === 401) {
    if (api.accessToken === token) {
      api.accessToken = null;
      await api.refresh();
    }
    token = api.accessToken;
    response = await fetchWith(path, token);
  }
  if (!response.ok) {
    const error = await refusal(response);
    if (error.code === 'UNAUTHENTICATED') api.onSessionLost(error);
    throw error;
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response, fallbackName);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by the time the click's task ends; a minute is generous.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return link.download;
}
