'use strict';
/*
 * aiogram compatibility layer around telegram-test-api 4.2.1 (Bot API emulator).
 *
 * Runs the emulator in-process and mounts its express app behind a small front app that
 * overrides the bot-side routes it gets wrong for aiogram. In-process JS (rather than a proxy)
 * gives direct access to the emulator's storage and events (long polling wakes up on them),
 * and keeps the whole thing one process with no extra dependency.
 *
 * Client routes of the package are kept as is: POST /sendMessage, /sendCommand, /sendCallback.
 * Test control routes live under /_e2e (see the bottom of this file), among them the updates the
 * package cannot make: a group's chat_join_request and a message sharing a chat (chat picker).
 *
 * Usage: node server.js --port=9000 [--host=127.0.0.1]
 */
const http = require('http');
const express = require('express');
const TelegramServer = require('telegram-test-api');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const host = args.host || '127.0.0.1';
const port = Number(args.port || 9000);
// The package expires stored messages after 60 s; its cleanup daemon only runs under
// tg.start(), which we do not use, and storeTimeout is raised anyway.
const tg = new TelegramServer({ host, port, storeTimeout: 7 * 24 * 3600 });

const views = new Map(); // message_id -> {message, edits, deleted, parse_mode, raw_text, keyboard}
const files = new Map(); // file_id -> {file_id, file_unique_id, file_size, file_name, mime_type, content}
const chats = new Map(); // chat id -> chat object seen in user updates
const confirmed = new Map(); // bot token -> lowest unconfirmed update_id (getUpdates offset)
const commands = new Map(); // bot token -> last setMyCommands list
const callbackChats = new Map(); // callback_query id -> chat id
let failures = []; // injected errors: {chat_id, method, error_code, description, retry_after, times}
const answers = []; // answerCallbackQuery calls
const calls = []; // every bot API call except getUpdates
const waiters = new Set();
const polls = {}; // bot token -> time of its latest getUpdates call (readiness probe)

const now = () => Math.floor(Date.now() / 1000);
const json = (v) => (typeof v === 'string' ? JSON.parse(v) : v);
const apiError = (code, description) => Object.assign(new Error(description), { code });
const botUser = (token) => ({
  id: Number(token.split(':')[0]) || 666, is_bot: true, first_name: 'Test Bot', username: 'test_bot',
});
const MEDIA = ['document', 'photo', 'audio', 'video', 'voice', 'animation', 'sticker', 'video_note'];

function parseMultipart(buf, boundary) {
  const fields = {}; const uploads = {};
  const delim = Buffer.from(`--${boundary}`);
  let pos = buf.indexOf(delim);
  while (pos !== -1 && buf.subarray(pos + delim.length, pos + delim.length + 2).toString() !== '--') {
    const next = buf.indexOf(delim, pos + delim.length);
    if (next === -1) break;
    const part = buf.subarray(pos + delim.length + 2, next - 2); // strip the CRLFs around the part
    const sep = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, sep).toString();
    const body = part.subarray(sep + 4);
    const name = /[;\s]name="([^"]*)"/i.exec(head)[1];
    const filename = /filename="([^"]*)"/i.exec(head);
    const type = /content-type:\s*([^\r\n;]+)/i.exec(head);
    if (filename) uploads[name] = { filename: filename[1], mime: type && type[1], content: Buffer.from(body) };
    else fields[name] = body.toString('utf8');
    pos = next;
  }
  return { fields, uploads };
}

function plain(text, parseMode) { // Telegram returns entity-free text; strip HTML like it does
  if (text === undefined || String(parseMode).toUpperCase() !== 'HTML') return text;
  return String(text).replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function storeFile(content, fileName, mimeType) {
  const n = files.size + 1;
  const file = {
    file_id: `file${n}`, file_unique_id: `uniq${n}`, file_size: content.length, file_name: fileName, mime_type: mimeType,
  };
  files.set(file.file_id, { ...file, content });
  return file;
}

function media(p, uploads) { // -> [field, value] of the media part of a send* call, if any
  const kind = MEDIA.find((k) => p[k] !== undefined || uploads[k]);
  if (!kind) return [];
  let ref = uploads[kind] || String(p[kind]);
  if (typeof ref === 'string' && ref.startsWith('attach://')) ref = uploads[ref.slice(9)];
  const { content, ...file } = typeof ref === 'string'
    ? (files.get(ref) || { file_id: ref, file_unique_id: ref }) : storeFile(ref.content, ref.filename, ref.mime);
  const meta = { width: 1, height: 1, duration: 1, length: 1, type: 'regular', is_animated: false, is_video: false };
  if (kind === 'photo') return [kind, [{ ...file, width: 1, height: 1 }]];
  return [kind, kind === 'document' ? file : { ...meta, ...file }];
}

function addMessage(token, p, uploads = {}) {
  const stored = tg.addBotMessage({ chat_id: p.chat_id, text: p.text }, token); // allocates message_id
  const chatId = Number(p.chat_id);
  const markup = p.reply_markup ? json(p.reply_markup) : undefined;
  const message = {
    message_id: stored.message_id, date: now(), chat: chats.get(chatId) || { id: chatId, type: 'private' },
    from: botUser(token),
  };
  if (p.text !== undefined) message.text = plain(p.text, p.parse_mode);
  if (p.caption !== undefined) message.caption = plain(p.caption, p.parse_mode);
  const [kind, value] = media(p, uploads);
  if (kind) message[kind] = value;
  if (markup && markup.inline_keyboard) message.reply_markup = markup;
  views.set(message.message_id, {
    message, edits: [], deleted: false, token, parse_mode: p.parse_mode, raw_text: p.text ?? p.caption,
    keyboard: markup && !markup.inline_keyboard ? markup : undefined,
  });
  return message;
}

function edit(p, field) {
  if (p.inline_message_id) return true;
  const view = views.get(Number(p.message_id));
  if (!view || view.deleted || String(view.message.chat.id) !== String(p.chat_id)) {
    throw apiError(400, 'Bad Request: message to edit not found');
  }
  const old = view.message;
  const message = { ...old, edit_date: now() };
  if (field) message[field] = plain(p[field], p.parse_mode);
  delete message.reply_markup; // like Telegram: an edit without reply_markup drops the inline keyboard
  const markup = p.reply_markup ? json(p.reply_markup) : undefined;
  if (markup && markup.inline_keyboard) message.reply_markup = markup;
  const same = (k) => JSON.stringify(message[k] ?? null) === JSON.stringify(old[k] ?? null);
  const rawText = field ? p[field] : view.raw_text;
  if (same('text') && same('caption') && same('reply_markup') && rawText === view.raw_text) {
    throw apiError(400, 'Bad Request: message is not modified: specified new message content and reply markup '
      + 'are exactly the same as a current content and reply markup of the message');
  }
  view.edits.push({ text: message.text, caption: message.caption, reply_markup: message.reply_markup });
  view.message = message;
  view.raw_text = rawText;
  return message;
}

function pending(token, offset) {
  if (offset > (confirmed.get(token) || 0)) confirmed.set(token, offset);
  const first = confirmed.get(token) || 0;
  return tg.storage.userMessages.filter((u) => u.botToken === token && u.updateId >= first);
}

function toUpdate(u) {
  if (u.raw) return { update_id: u.updateId, ...u.raw }; // a chat_join_request or a chat_shared message
  const upd = TelegramServer.formatUpdate(u);
  if (upd.message) {
    const { botToken, ...message } = upd.message;
    upd.message = { date: now(), ...message };
    chats.set(Number(message.chat.id), message.chat);
  }
  const cq = upd.callback_query;
  if (cq) { // the package omits chat_instance and passes the client's stub message
    const view = views.get(Number(cq.message && cq.message.message_id));
    if (view) cq.message = view.message;
    cq.chat_instance = String(cq.message ? cq.message.chat.id : cq.from.id);
    if (cq.message) callbackChats.set(cq.id, cq.message.chat.id);
  }
  return upd;
}

async function getUpdates(token, p, res) { // real long polling: hold until an update or timeout
  polls[token] = Date.now() / 1000;
  const offset = Number(p.offset || 0);
  const deadline = Date.now() + Number(p.timeout || 0) * 1000;
  let closed = false;
  res.on('close', () => { closed = true; });
  let ups = pending(token, offset);
  while (!ups.length && !closed && Date.now() < deadline) {
    await new Promise((resolve) => { // eslint-disable-line no-await-in-loop
      const done = () => { clearTimeout(timer); waiters.delete(done); res.off('close', done); resolve(); };
      const timer = setTimeout(done, deadline - Date.now());
      waiters.add(done);
      res.once('close', done);
    });
    ups = pending(token, offset);
  }
  const updates = ups.slice(0, Number(p.limit || 100)).map(toUpdate);
  updates.forEach((u) => console.log(`update ${u.update_id} -> bot ${token.split(':')[0]}: ${JSON.stringify(u).slice(0, 200)}`));
  return updates;
}
// Updates the package cannot make (a group's join request, a message sharing a chat through the
// chat picker): stored like the package's own user updates, so long polling and offsets apply.
function addRawUpdate(token, update) {
  tg.storage.userMessages.push({ ...tg.getCommonFields(token), raw: update });
  tg.updateId++;
  [...waiters].forEach((wake) => wake());
}
let inviteLinks = 0;
const BOT_ADMIN_RIGHTS = {
  can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: false,
  can_manage_video_chats: false, can_restrict_members: true, can_promote_members: false, can_change_info: false,
  can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
  can_send_welcome_messages: false,
};
['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'].forEach((event) => {
  tg.on(event, () => [...waiters].forEach((wake) => wake()));
});

function sourceMessage(p) {
  // A bot's own message, or (as with a methodist's broadcast) a message a user sent to the bot.
  const view = views.get(Number(p.message_id));
  if (view) return view.message;
  const sent = tg.storage.userMessages.find((u) => u.messageId === Number(p.message_id) && u.message
    && String((u.message.chat || {}).id) === String(p.from_chat_id));
  return sent ? sent.message : {};
}

function copy(token, p, asForward) {
  const m = sourceMessage(p);
  const kind = MEDIA.find((k) => m[k]);
  const fileId = kind && (kind === 'photo' ? m.photo[0].file_id : m[kind].file_id);
  const message = addMessage(token, {
    chat_id: p.chat_id, text: m.text, caption: p.caption ?? m.caption, reply_markup: p.reply_markup, [kind]: fileId,
  });
  return asForward ? message : { message_id: message.message_id };
}

const handlers = {
  getme: (token) => botUser(token),
  getupdates: (token, p, req, res) => getUpdates(token, p, res),
  sendchataction: () => true,
  sendmediagroup: (token, p, req) => json(p.media).map((m) => addMessage(
    token, { chat_id: p.chat_id, caption: m.caption, [m.type]: m.media }, req.uploads,
  )),
  copymessage: (token, p) => copy(token, p, false),
  forwardmessage: (token, p) => copy(token, p, true),
  editmessagetext: (token, p) => edit(p, 'text'),
  editmessagecaption: (token, p) => edit(p, 'caption'),
  editmessagereplymarkup: (token, p) => edit(p, null),
  deletemessage: (token, p) => {
    const view = views.get(Number(p.message_id));
    if (!view && tg.storage.userMessages.some((u) => u.messageId === Number(p.message_id))) return true;
    if (!view || view.deleted) throw apiError(400, 'Bad Request: message to delete not found');
    view.deleted = true;
    return true;
  },
  answercallbackquery: (token, p) => {
    answers.push({ ...p, chat_id: callbackChats.get(String(p.callback_query_id)) });
    return true;
  },
  setmycommands: (token, p) => { commands.set(token, json(p.commands)); return true; },
  getmycommands: (token) => commands.get(token) || [],
  deletewebhook: (token, p) => {
    if (String(p.drop_pending_updates) === 'true') confirmed.set(token, tg.updateId);
    return true;
  },
  getwebhookinfo: (token) => ({ url: '', has_custom_certificate: false, pending_update_count: pending(token, 0).length }),
  getfile: (token, p) => {
    const { content, ...file } = files.get(p.file_id) || {};
    if (!content) throw apiError(400, 'Bad Request: invalid file_id');
    return { ...file, file_path: `files/${file.file_id}` };
  },
  // Groups: the bot is an admin allowed to invite in every group it is asked about; anyone else a member.
  getchatmember: (token, p) => (Number(p.user_id) === botUser(token).id
    ? { status: 'administrator', user: botUser(token), ...BOT_ADMIN_RIGHTS }
    : { status: 'member', user: { id: Number(p.user_id), is_bot: false, first_name: 'User' } }),
  createchatinvitelink: (token, p) => ({
    invite_link: `https://t.me/+e2e${++inviteLinks}`, creator: botUser(token), name: p.name,
    creates_join_request: String(p.creates_join_request) === 'true', is_primary: false, is_revoked: false,
  }),
  getchat: (token, p) => ({
    type: 'private', ...chats.get(Number(p.chat_id)), id: Number(p.chat_id), accent_color_id: 0, max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false,
    },
  }),
};

function takeFailure(method, chatId) {
  const rule = failures.find((f) => (f.method ? f.method.toLowerCase() === method : method !== 'getupdates')
    && (f.chat_id === undefined || String(f.chat_id) === chatId));
  if (rule && rule.times !== undefined && --rule.times <= 0) failures = failures.filter((f) => f !== rule);
  return rule;
}

async function botRoute(req, res) {
  const { token } = req.params;
  const method = req.params.method.toLowerCase();
  const p = { ...req.query, ...req.body };
  const chatId = p.chat_id === undefined ? undefined : String(p.chat_id);
  const log = {
    method: req.params.method, bot: token.split(':')[0], chat_id: chatId, params: p, time: Date.now() / 1000,
  };
  const fail = takeFailure(method, chatId);
  let status = 200; let body;
  try {
    if (fail) throw Object.assign(apiError(fail.error_code, fail.description), { retry_after: fail.retry_after });
    const handler = handlers[method] || (method.startsWith('send')
      ? (t, q) => addMessage(t, q, req.uploads || {}) : () => true);
    body = { ok: true, result: await handler(token, p, req, res) };
  } catch (e) {
    status = e.code || 500;
    body = { ok: false, error_code: status, description: e.message };
    if (e.retry_after) body.parameters = { retry_after: Number(e.retry_after) };
  }
  if (method !== 'getupdates' || status !== 200) {
    calls.push({ ...log, status, result: body.result });
    console.log(`bot ${token.split(':')[0]} ${req.params.method} chat=${chatId} -> ${status} ${body.description || ''}`);
  }
  if (!res.writableEnded && !res.destroyed) res.status(status).json(body);
}

const DEFAULT_ERRORS = {
  400: 'Bad Request: chat not found', 403: 'Forbidden: bot was blocked by the user', 429: 'Too Many Requests: retry after',
};
const app = express();
app.use(express.json({ limit: '50mb' }));
app.use(express.urlencoded({ extended: true, limit: '50mb' }));
app.use(express.raw({ type: ['multipart/form-data', 'application/octet-stream'], limit: '50mb' }));
app.use((req, res, next) => { // aiogram posts multipart/form-data whenever a file is attached
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] || '');
  if (Buffer.isBuffer(req.body) && req.is('multipart/form-data') && boundary) {
    ({ fields: req.body, uploads: req.uploads } = parseMultipart(req.body, boundary[1] || boundary[2]));
  }
  next();
});
app.all('/bot:token/:method', botRoute);
app.get('/file/bot:token/files/:fileId', (req, res) => {
  const file = files.get(req.params.fileId);
  if (!file) res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
  else res.type(file.mime_type || 'application/octet-stream').send(file.content);
});

// --- test control API -------------------------------------------------------------------------
app.get('/_e2e/health', (req, res) => res.json({ ok: true }));
app.get('/_e2e/chats/:chatId', (req, res) => res.json({
  ok: true,
  result: {
    messages: [...views.values()].filter((v) => String(v.message.chat.id) === req.params.chatId)
      .map(({ token, ...v }) => v),
    answers: answers.filter((a) => String(a.chat_id) === req.params.chatId),
  },
}));
app.post('/_e2e/join_request', (req, res) => { // a user asks to join a group through its link
  const { botToken, chat, from } = req.body;
  addRawUpdate(botToken, { chat_join_request: { chat, from, user_chat_id: from.id, date: now() } });
  res.json({ ok: true, result: true });
});
app.post('/_e2e/chat_shared', (req, res) => { // a user picks a group with a request_chat button
  const { botToken, chat, from } = req.body;
  const message = {
    message_id: tg.messageId++, date: now(), chat, from,
    chat_shared: { request_id: Number(req.body.request_id), chat_id: Number(req.body.chat_id) },
  };
  chats.set(Number(chat.id), chat);
  addRawUpdate(botToken, { message });
  res.json({ ok: true, result: true });
});
app.get('/_e2e/polls', (req, res) => res.json({ ok: true, result: polls }));
app.get('/_e2e/calls', (req, res) => res.json({
  ok: true, result: calls.filter((c) => !req.query.method || c.method === req.query.method),
}));
app.post('/_e2e/failures', (req, res) => {
  const rule = { ...req.body, error_code: Number(req.body.error_code || 403) };
  rule.description = rule.description || DEFAULT_ERRORS[rule.error_code] || 'Error';
  if (rule.error_code === 429) rule.retry_after = Number(rule.retry_after || 1);
  if (rule.error_code === 429 && !req.body.description) rule.description += ` ${rule.retry_after}`;
  failures.push(rule);
  res.json({ ok: true, result: rule });
});
app.delete('/_e2e/failures', (req, res) => { failures = []; res.json({ ok: true, result: true }); });
app.post('/_e2e/files', (req, res) => res.json({ // raw body upload, for documents sent by users
  ok: true, result: storeFile(req.body, req.query.file_name, req.query.mime_type),
}));
app.get('/_e2e/files/:fileId', (req, res) => {
  const file = files.get(req.params.fileId);
  if (!file) res.status(404).end(); else res.send(file.content);
});
app.use(tg.webServer); // everything else: the package's own client routes

const server = http.createServer(app);
server.listen(port, host, () => console.log(`emulator listening on http://${host}:${port}`));
const stop = () => process.exit(0); // no graceful close: long polls would hold it open
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
