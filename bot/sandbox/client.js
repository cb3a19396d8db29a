// The sandbox page's script: live updates (server-sent events, polling as a fallback), the
// composer with its @ picker and reply banner, card buttons and forms, the clock buttons.
// Plain browser JavaScript, served as is: no build step.
(() => {
  const data = JSON.parse(document.getElementById('sandbox-data').textContent);
  const T = data.text;
  const $ = (sel) => document.querySelector(sel);
  const list = $('#messages');
  const input = $('#composer-input');
  const picker = $('#at-picker');
  const toastBox = $('#toast');
  let replyTo = null;
  let shownVersion = data.version;
  let loading = false;
  let again = false;

  // ── toasts ──
  let toastTimer = null;
  function toast(text, type) {
    toastBox.textContent = text;
    toastBox.className = `toast ${type || ''}`;
    toastBox.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toastBox.hidden = true), 3500);
  }

  async function post(url, body) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
    return json;
  }

  // ── the conversation, kept live ──
  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  function scrollDown() {
    list.scrollTop = list.scrollHeight;
  }

  function seenKey(chat) {
    return `duban-sandbox-seen:${data.as}:${chat}`;
  }

  function showUnread(counts) {
    for (const [chat, n] of Object.entries(counts || {})) {
      const el = document.querySelector(`[data-unread="${CSS.escape(chat)}"]`);
      if (!el) continue;
      if (chat === data.chat) {
        localStorage.setItem(seenKey(chat), String(n));
        el.hidden = true;
        continue;
      }
      const seen = Number(localStorage.getItem(seenKey(chat)) ?? n);
      if (localStorage.getItem(seenKey(chat)) === null) localStorage.setItem(seenKey(chat), String(n));
      el.hidden = n <= seen;
      el.textContent = String(n - seen);
    }
  }

  // Inputs typed into cards survive a refresh of the list.
  function saveCardInputs() {
    const values = {};
    list.querySelectorAll('.card-input').forEach((el) => {
      const msg = el.closest('[data-message-id]');
      if (msg && el.value) values[`${msg.dataset.messageId}/${el.name}`] = el.value;
    });
    return values;
  }
  function restoreCardInputs(values) {
    list.querySelectorAll('.card-input').forEach((el) => {
      const msg = el.closest('[data-message-id]');
      const v = msg && values[`${msg.dataset.messageId}/${el.name}`];
      if (v) el.value = v;
    });
  }

  /** A table wider than its card says so: a hint above it (the edges also shade while it scrolls). */
  function markWideTables() {
    list.querySelectorAll('.table-wrap').forEach((w) => {
      const wide = w.scrollWidth > w.clientWidth + 1;
      const hint = w.previousElementSibling?.classList.contains('scroll-hint') ? w.previousElementSibling : null;
      if (wide && !hint) {
        const h = document.createElement('div');
        h.className = 'scroll-hint';
        h.textContent = T.table_scroll;
        w.before(h);
      } else if (!wide && hint) hint.remove();
    });
  }
  window.addEventListener('resize', () => markWideTables());

  async function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const res = await fetch(`/sandbox/messages?as=${encodeURIComponent(data.as)}&chat=${encodeURIComponent(data.chat)}`);
      const json = await res.json();
      const stick = atBottom();
      const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement : null;
      if (!focused) {
        const saved = saveCardInputs();
        list.innerHTML = json.html;
        markWideTables();
        restoreCardInputs(saved);
        if (stick) scrollDown();
      } else {
        // Someone is typing into a card: refresh once they leave it.
        again = true;
      }
      $('#clock').textContent = json.clock;
      shownVersion = json.version;
      showUnread(json.counts);
    } catch (err) {
      console.warn('refresh failed', err);
    } finally {
      loading = false;
      if (again) {
        again = false;
        setTimeout(refresh, 300);
      }
    }
  }

  function listen() {
    let es;
    let poll = null;
    const startPolling = () => {
      if (!poll) poll = setInterval(refresh, 2000);
    };
    try {
      es = new EventSource('/sandbox/stream');
    } catch {
      startPolling();
      return;
    }
    es.addEventListener('version', (e) => {
      if (poll) {
        clearInterval(poll);
        poll = null;
      }
      if (Number(e.data) !== shownVersion) refresh();
    });
    es.onerror = () => startPolling();
  }

  // ── composer ──
  function insertAtCursor(text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    const pos = start + text.length;
    input.setSelectionRange(pos, pos);
    input.focus();
  }

  function openPicker() {
    picker.hidden = false;
    const first = picker.querySelector('button');
    picker.querySelectorAll('button').forEach((b) => b.classList.toggle('active', b === first));
  }
  function closePicker() {
    picker.hidden = true;
  }

  picker.addEventListener('click', (e) => {
    const b = e.target.closest('[data-mention]');
    if (!b) return;
    // Typing "@" opened the picker: that "@" becomes the mention.
    const pos = input.selectionStart ?? input.value.length;
    if (input.value[pos - 1] === '@') {
      input.value = input.value.slice(0, pos - 1) + input.value.slice(pos);
      input.setSelectionRange(pos - 1, pos - 1);
    }
    const before = input.value.slice(0, input.selectionStart ?? 0);
    insertAtCursor(`${before && !/\s$/.test(before) ? ' ' : ''}@${b.dataset.mention} `);
    closePicker();
  });
  $('#at-btn').addEventListener('click', () => (picker.hidden ? openPicker() : closePicker()));
  input.addEventListener('input', (e) => {
    if (e.data === '@') openPicker();
  });
  input.addEventListener('keydown', (e) => {
    if (!picker.hidden) {
      const items = [...picker.querySelectorAll('button')];
      const i = items.findIndex((b) => b.classList.contains('active'));
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
        items.forEach((b) => b.classList.toggle('active', b === next));
        return;
      }
      if (e.key === 'Enter' && i >= 0) {
        e.preventDefault();
        items[i].click();
        return;
      }
      if (e.key === 'Escape') {
        closePicker();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  document.addEventListener('click', (e) => {
    if (!picker.hidden && !picker.contains(e.target) && e.target !== $('#at-btn')) closePicker();
  });

  document.querySelectorAll('[data-insert]').forEach((chip) =>
    chip.addEventListener('click', () => {
      input.value = `${chip.dataset.insert} `;
      input.focus();
    }),
  );

  function setReply(id, who) {
    replyTo = id;
    $('#reply-who').textContent = who;
    $('#reply-banner').hidden = !id;
    if (id) input.focus();
  }
  $('#reply-cancel').addEventListener('click', () => setReply(null, ''));

  async function send() {
    const text = input.value.trim();
    if (!text) return;
    const button = $('#send');
    button.disabled = true;
    try {
      const mentionBot = $('#mention-bot') ? $('#mention-bot').checked : true;
      await post('/sandbox/api/message', { as: data.as, chat: data.chat, text, replyTo, mentionBot });
      input.value = '';
      setReply(null, '');
      refresh();
    } catch (err) {
      toast(String(err.message || err), 'error');
    } finally {
      button.disabled = false;
      input.focus();
    }
  }
  $('#send').addEventListener('click', send);

  // A sheet sent as a file message (the bot previews it as a batch import).
  $('#file-input').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const base64 = await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(file);
      });
      await post('/sandbox/api/file', { as: data.as, chat: data.chat, name: file.name, base64 });
      refresh();
    } catch (err) {
      toast(String(err.message || err), 'error');
    }
  });

  // ── the bot menu (p2p): each item sends application.bot.menu_v6 with its event key ──
  document.querySelectorAll('[data-menu-key]').forEach((item) =>
    item.addEventListener('click', async () => {
      item.disabled = true;
      try {
        await post('/sandbox/api/menu', { as: data.as, key: item.dataset.menuKey });
        refresh();
      } catch (err) {
        toast(String(err.message || err), 'error');
      } finally {
        item.disabled = false;
      }
    }),
  );

  // ── the conversation: reply links, card buttons, forms ──
  list.addEventListener('click', async (e) => {
    const reply = e.target.closest('[data-reply]');
    if (reply) {
      setReply(reply.dataset.reply, reply.dataset.replyWho);
      return;
    }
    const button = e.target.closest('[data-card-action]');
    if (!button || button.disabled) return;
    const msg = button.closest('[data-message-id]');
    const form = button.closest('form');
    if (button.dataset.formReset && form) {
      form.reset();
      return;
    }
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    let value;
    try {
      value = JSON.parse(button.dataset.cardAction);
    } catch {
      return;
    }
    let formValue = null;
    if (form && button.dataset.formSubmit) {
      formValue = {};
      form.querySelectorAll('[name]').forEach((el) => {
        if (el.name && el.classList.contains('card-input')) formValue[el.name] = el.multiple ? [...el.selectedOptions].map((o) => o.value) : el.value;
      });
      const missing = [...form.querySelectorAll('[required]')].find((el) => !el.value);
      if (missing) {
        missing.focus();
        return;
      }
    }
    button.disabled = true;
    try {
      const r = await post('/sandbox/api/action', {
        as: data.as,
        messageId: msg.dataset.messageId,
        value,
        formValue,
        button: button.dataset.name || undefined,
      });
      if (r.toast) toast(r.toast.content, r.toast.type);
      if (form) form.reset();
      refresh();
    } catch (err) {
      toast(String(err.message || err), 'error');
    } finally {
      button.disabled = false;
    }
  });

  // ── who am I, language, clock ──
  $('#as').addEventListener('change', (e) => {
    location.href = `/sandbox?as=${encodeURIComponent(e.target.value)}&chat=${encodeURIComponent(data.chat)}`;
  });

  document.querySelectorAll('[data-clock]').forEach((b) =>
    b.addEventListener('click', async () => {
      const buttons = document.querySelectorAll('[data-clock]');
      buttons.forEach((x) => (x.disabled = true));
      toast(T.running, 'info');
      try {
        const r = await post('/sandbox/api/clock', { op: b.dataset.clock });
        $('#clock').textContent = r.clock;
        toastBox.hidden = true;
        refresh();
      } catch (err) {
        toast(String(err.message || err), 'error');
      } finally {
        buttons.forEach((x) => (x.disabled = false));
      }
    }),
  );

  // Jump to a date: 09:30 that day (when the daily reminders go out), the jobs run there.
  $('#jump')?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const date = $('#jump-date').value;
    if (!date) return;
    const go = $('#jump-go');
    go.disabled = true;
    toast(T.running, 'info');
    try {
      const r = await post('/sandbox/api/clock', { op: 'date', date });
      $('#clock').textContent = r.clock;
      toastBox.hidden = true;
      refresh();
    } catch (err) {
      toast(String(err.message || err), 'error');
    } finally {
      go.disabled = false;
    }
  });

  showUnread(data.counts);
  markWideTables();
  scrollDown();
  listen();
  document.documentElement.dataset.ready = '1';
})();
