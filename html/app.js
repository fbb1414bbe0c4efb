// The demo page: one blog, several backends. Plain JavaScript, no dependencies, no external requests.
// Every piece of text that comes from a server is inserted with textContent, never as HTML.
'use strict';

const PAGE_SIZE = 10;

// urls.js defines BLOG_URLS in the shape of the stack's outputs: {OutputKey, OutputValue, Description}.
const backends = (window.BLOG_URLS || []).map((output) => ({
  key: output.OutputKey,
  url: output.OutputValue.endsWith('/') ? output.OutputValue : `${output.OutputValue}/`,
  description: output.Description || '',
  // FunctionsURL -> functions, ContainersURL -> containers, AllRoutesURL -> all-routes,
  // WebAdapterURL -> web-adapter, HttpApiURL -> http-api, AllRoutesFunctionURL -> all-routes-function.
  kind: output.OutputKey.replace(/URL$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(),
}));

let current = backends[0];
let nextCursor = null;

const $ = (selector) => document.querySelector(selector);

/** A failed call, with a message worth showing to a person. */
class CallError extends Error {
  constructor(message, { unreachable = false } = {}) {
    super(message);
    /** True when no answer came back at all: nothing listening, no network. */
    this.unreachable = unreachable;
  }
}

/** Calls the backend picked above. */
function call(method, path, body) {
  return callBackend(current, method, path, body);
}

/** Calls `backend`; logs which one answered and how long it took. */
async function callBackend(backend, method, path, body) {
  const url = new URL(path.replace(/^\//, ''), backend.url);
  const options = { method };
  if (body !== undefined) {
    options.headers = { 'content-type': 'application/json' };
    options.body = JSON.stringify(body);
  }
  const started = performance.now();
  let response;
  let json = null;
  try {
    response = await fetch(url, options);
    const text = await response.text();
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = { message: text };
      }
    }
  } catch (error) {
    logCall(backend, method, path, null, performance.now() - started);
    throw new CallError(`${backend.key} could not be reached (${error.message}). Is it running?`, {
      unreachable: true,
    });
  }
  logCall(backend, method, path, response, performance.now() - started);
  if (!response.ok) {
    throw new CallError(describeFailure(response, json));
  }
  return json;
}

/** Our API's errors are {code, message}; API Gateway's and the load balancer's are not. */
function describeFailure(response, json) {
  if (json && typeof json.message === 'string' && typeof json.code === 'string') {
    return `${json.message} (${response.status} ${json.code})`;
  }
  if (json && typeof json.message === 'string') {
    return `${response.status}: ${json.message}`;
  }
  return `${response.status} ${response.statusText || 'error'}`;
}

function logCall(backend, method, path, response, elapsed) {
  const item = document.createElement('li');
  const who = document.createElement('span');
  who.className = backend.kind;
  who.textContent = backend.kind;
  const outcome = response ? `${response.status}` : 'no answer';
  item.append(who, ` ${method} ${path} → ${outcome} in ${Math.round(elapsed)} ms`);
  // The id to search the backend's logs for (chapter 12): on every answer our code gives.
  const requestId = response ? response.headers.get('x-request-id') : null;
  if (requestId) {
    const id = document.createElement('code');
    id.className = 'request-id';
    id.textContent = requestId;
    item.append(' · id ', id);
    item.dataset.requestId = requestId;
  }
  if (!response || !response.ok) {
    item.classList.add('failed');
  }
  item.dataset.backend = backend.kind;
  item.dataset.status = response ? String(response.status) : '0';
  $('#call-log').prepend(item);
}

function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

function renderPost(post) {
  const item = $('#post-template').content.firstElementChild.cloneNode(true);
  item.dataset.id = post.id;
  item.querySelector('.title').textContent = post.title;
  item.querySelector('.author').textContent = post.author;
  item.querySelector('.created').textContent = new Date(post.created_at).toLocaleString();
  item.querySelector('.created').dateTime = post.created_at;
  item.querySelector('.id').textContent = post.id;
  item.querySelector('.contents').textContent = post.contents;
  const confirm = item.querySelector('.confirm');
  item.querySelector('.delete').addEventListener('click', () => {
    confirm.hidden = false;
  });
  item.querySelector('.confirm-no').addEventListener('click', () => {
    confirm.hidden = true;
  });
  item.querySelector('.confirm-yes').addEventListener('click', async () => {
    try {
      await call('DELETE', `/blog/${encodeURIComponent(post.id)}`);
      item.remove();
      showError($('#list-error'), '');
    } catch (error) {
      confirm.hidden = true;
      showError($('#list-error'), error.message);
    }
  });
  return item;
}

/** Loads the first page (reset) or the next one. */
async function loadPosts(reset) {
  if (!current) return;
  let path = `/blog?limit=${PAGE_SIZE}`;
  if (!reset && nextCursor) {
    path += `&cursor=${encodeURIComponent(nextCursor)}`;
  }
  try {
    const page = await call('GET', path);
    if (reset) $('#posts').replaceChildren();
    $('#posts').append(...page.posts.map(renderPost));
    nextCursor = page.next_cursor;
    $('#more').hidden = !nextCursor;
    showError($('#list-error'), '');
  } catch (error) {
    if (reset) $('#posts').replaceChildren();
    $('#more').hidden = true;
    showError($('#list-error'), error.message);
  }
}

async function publish(event) {
  event.preventDefault();
  const form = event.target;
  const post = {
    title: form.elements.title.value,
    author: form.elements.author.value,
    contents: form.elements.contents.value,
  };
  try {
    await call('POST', '/blog', post);
    form.reset();
    showError($('#form-error'), '');
    await loadPosts(true);
  } catch (error) {
    // The server's validation message, as it came back.
    showError($('#form-error'), error.message);
  }
}

// The Compare panel: the same calls to each backend, timed from this browser.
const COMPARE_PATH = '/blog?limit=5';

/** Times one call to `backend` in milliseconds, and says whether it succeeded or got no answer. */
async function timeCall(backend) {
  const started = performance.now();
  try {
    await callBackend(backend, 'GET', COMPARE_PATH);
    return { ms: performance.now() - started, ok: true, unreachable: false };
  } catch (error) {
    return { ms: performance.now() - started, ok: false, unreachable: error.unreachable === true };
  }
}

/**
 * The p-th percentile (0 < p <= 100) of durations sorted in ascending order, by the nearest-rank
 * method: the value at rank ceil(p/100 × n), counting from 1. No interpolation, so the figure is
 * always a duration that was really measured. Null when there is none.
 */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.ceil((p * sorted.length) / 100) - 1];
}

// ANCHOR: compare
/** One backend: a first call (on AWS, the one that may meet a cold start), 20 in turn, 10 at once. */
async function measure(backend) {
  const first = await timeCall(backend);
  if (first.unreachable) return { unreachable: true };
  const rest = [];
  for (let i = 0; i < 20; i += 1) {
    rest.push(await timeCall(backend)); // one at a time: each waits for the one before
  }
  // Over HTTP/1.1 a browser opens at most 6 connections to one origin: the other 4 calls wait for
  // one, and that wait is part of their time, as it is for any page that makes 10 calls at once.
  rest.push(...(await Promise.all(Array.from({ length: 10 }, () => timeCall(backend)))));
  // p50 and p95 are of the calls after the first that succeeded; failures are counted apart.
  const durations = rest.filter((c) => c.ok).map((c) => c.ms).sort((a, b) => a - b);
  const calls = [first, ...rest];
  return {
    first: first.ms,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    calls: calls.length,
    failed: calls.filter((c) => !c.ok).length,
  };
}
// ANCHOR_END: compare

function renderComparison(backend, result) {
  const cell = (text) => {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  };
  const ms = (value) => (value === null ? '–' : value.toFixed(1));
  const row = document.createElement('tr');
  row.dataset.backend = backend.kind;
  const name = document.createElement('th');
  name.scope = 'row';
  name.className = backend.kind;
  name.textContent = backend.kind;
  row.append(name);
  if (result.unreachable) {
    const td = cell('could not be reached');
    td.colSpan = 5;
    td.className = 'failed';
    row.append(td);
  } else {
    row.append(
      cell(ms(result.first)), cell(ms(result.p50)), cell(ms(result.p95)),
      cell(String(result.calls)), cell(String(result.failed)),
    );
  }
  $('#compare-results').append(row);
}

async function compareBackends() {
  const button = $('#compare-run');
  button.disabled = true;
  $('#compare-results').replaceChildren();
  $('#compare-table').hidden = false;
  try {
    // One backend after the other, never both at once, so that they do not compete.
    for (const backend of backends) {
      renderComparison(backend, await measure(backend));
    }
  } finally {
    button.disabled = false;
  }
}

function renderBackends() {
  const fieldset = $('#backends');
  $('#no-backends').hidden = backends.length > 0;
  for (const backend of backends) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'backend';
    radio.value = backend.key;
    radio.checked = backend === current;
    radio.addEventListener('change', () => {
      current = backend;
      nextCursor = null;
      loadPosts(true);
    });
    const name = document.createElement('strong');
    name.textContent = backend.key;
    const url = document.createElement('span');
    url.className = 'url';
    url.textContent = backend.url;
    label.title = backend.description;
    label.append(radio, name, url);
    fieldset.append(label);
  }
}

renderBackends();
$('#new-post').addEventListener('submit', publish);
$('#refresh').addEventListener('click', () => loadPosts(true));
$('#more').addEventListener('click', () => loadPosts(false));
$('#compare-run').disabled = backends.length === 0;
$('#compare-run').addEventListener('click', compareBackends);
loadPosts(true);
