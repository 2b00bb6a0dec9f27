/*!
 * Opschalingswijzer chat widget.
 *
 * Embed on any page with one tag:
 *   <script src="https://host/opschalingswijzer-widget.js" data-server="http://localhost:5005" defer></script>
 *
 * The widget talks to Rasa Open Source over its socket.io channel (events `user_uttered`,
 * `bot_uttered`, `session_request`, `session_confirm`). It loads the socket.io client from
 * vendor/socket.io.min.js next to this file (copied there by web/build.sh) and its styles from
 * opschalingswijzer-widget.css next to this file.
 *
 * Security: text from the user and from the bot is only ever put into the page with
 * textContent / createTextNode; links are real <a> elements for http(s) URLs only.
 */
(function () {
  "use strict";

  if (window.__opschalingswijzerWidget) {
    return; // loaded twice: keep the first instance
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration from the <script> tag
  // ---------------------------------------------------------------------------------------------
  var script =
    document.currentScript ||
    document.querySelector('script[src*="opschalingswijzer-widget"]');
  var data = (script && script.dataset) || {};
  var scriptSrc = (script && script.src) || window.location.href;

  function resolve(relative) {
    return new URL(relative, scriptSrc).href;
  }

  var config = {
    server: (data.server || window.location.protocol + "//" + window.location.hostname + ":5005").replace(/\/+$/, ""),
    socketPath: data.socketPath || "/socket.io",
    title: data.title || "Opschalingswijzer",
    socketClientSrc: data.socketClient || resolve("vendor/socket.io.min.js"),
    cssHref: data.css || resolve("opschalingswijzer-widget.css"),
    storageKey: data.storageKey || "opschalingswijzer",
    startOpen: data.open === "true",
    answerTimeoutMs: parseInt(data.answerTimeout || "60000", 10),
  };

  var TEXT = {
    launcher: "Chat met de Opschalingswijzer",
    close: "Chat sluiten",
    newChat: "Nieuw gesprek",
    inputLabel: "Uw bericht",
    send: "Verstuur",
    logLabel: "Gesprek met de Opschalingswijzer",
    you: "U: ",
    bot: "Opschalingswijzer: ",
    choices: "Kies een antwoord",
    privacy: "Typ geen BSN of volledige naam. Dit is geen medisch advies.",
    intro:
      "Hallo! Loopt het organiseren van langdurige zorg vast? Vertel in een paar zinnen wat er aan de hand is. " +
      "Ik help u de volgende stap te vinden.",
    typing: "De Opschalingswijzer typt een antwoord…",
    connecting: "Verbinding maken…",
    offline:
      "Er is nu geen verbinding met de Opschalingswijzer. We proberen het steeds opnieuw. " +
      "U kunt gewoon verder typen: uw bericht wordt verstuurd zodra er weer verbinding is.",
    queued: "Nog geen verbinding. Uw bericht wordt verstuurd zodra er verbinding is.",
    reconnected: "De verbinding is hersteld.",
    loadFailed:
      "De chat kan nu niet worden geladen. Probeer het later opnieuw, of laad de pagina opnieuw.",
    noAnswer:
      "Er komt geen antwoord. Probeer het opnieuw, of kies ‘Nieuw gesprek’.",
    feedbackQuestion: "Hielp dit antwoord?",
    feedbackUp: "Dit antwoord hielp",
    feedbackDown: "Dit antwoord hielp niet",
    feedbackSending: "Uw reactie wordt verstuurd…",
    feedbackThanks: "Bedankt, uw reactie is ontvangen.",
    feedbackFailed: "Uw reactie is niet aangekomen. Probeer het opnieuw.",
    feedbackOffline: "Geen verbinding: uw reactie wordt verstuurd zodra er verbinding is.",
    newWindow: " (opent in een nieuw venster)",
    attachment: "Bijlage openen",
  };

  var MAX_ENTRIES = 300;
  var ACK_TIMEOUT_MS = 30000;

  // ---------------------------------------------------------------------------------------------
  // Storage (sessionStorage, with an in-memory fallback when it is blocked)
  // ---------------------------------------------------------------------------------------------
  var memoryStore = {};
  var store = {
    get: function (key) {
      try {
        return window.sessionStorage.getItem(config.storageKey + "." + key);
      } catch (e) {
        return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
      }
    },
    set: function (key, value) {
      try {
        window.sessionStorage.setItem(config.storageKey + "." + key, value);
      } catch (e) {
        memoryStore[key] = value;
      }
    },
    remove: function (key) {
      try {
        window.sessionStorage.removeItem(config.storageKey + "." + key);
      } catch (e) {
        delete memoryStore[key];
      }
    },
  };

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function loadTranscript() {
    try {
      var parsed = JSON.parse(store.get("transcript") || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch (e) {
      return [];
    }
  }

  var state = {
    sessionId: store.get("session") || newSessionId(),
    transcript: loadTranscript(),
    socket: null,
    confirmed: false, // session_confirm received for state.sessionId
    queue: [], // messages waiting for a connection: {message, silent}
    offlineShown: false,
    everConnected: false,
    newGroup: false, // the next bot message starts a new answer group
    nextNoFeedback: false, // the next answer group gets no feedback control (reply to feedback/restart)
    typingTimer: null,
    loadingClient: false,
    clientFailed: false,
  };
  store.set("session", state.sessionId);

  // Transcript entries carry run-time fields (__node, __feedbackTimer) that are not stored.
  function saveTranscript() {
    if (state.transcript.length > MAX_ENTRIES) {
      state.transcript = state.transcript.slice(-MAX_ENTRIES);
    }
    store.set(
      "transcript",
      JSON.stringify(state.transcript, function (key, value) {
        return key.slice(0, 2) === "__" ? undefined : value;
      })
    );
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers
  // ---------------------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "text") node.textContent = value;
        else if (name === "className") node.className = value;
        else node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function srOnly(text) {
    return el("span", { className: "osw-sr-only", text: text });
  }

  /** Returns a normalised absolute http(s) URL, or null for anything else (javascript:, data:, …). */
  function safeHttpUrl(candidate) {
    try {
      var url = new URL(candidate);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    } catch (e) {
      /* not an absolute URL */
    }
    return null;
  }

  /** mailto: and tel: links (used for e-mail addresses and phone numbers in the answers). */
  function safeContactUrl(candidate) {
    return /^(mailto:[^\s<>"'`]+@[^\s<>"'`]+|tel:\+?[0-9][0-9 ()-]*)$/i.test(candidate) ? candidate : null;
  }

  function link(href, label) {
    return el(
      "a",
      { href: href, target: "_blank", rel: "noopener noreferrer", className: "osw-link" },
      [label, srOnly(TEXT.newWindow)]
    );
  }

  function contactLink(href, label) {
    return el("a", { href: href, className: "osw-link" }, [label]);
  }

  // **bold**, _italic_ (between spaces or punctuation only, so snake_case and __x__ stay text),
  // [label](url) and bare https://… URLs; everything else is text.
  var TOKEN = new RegExp(
    [
      /\*\*(\S(?:[^\n]*?\S)?)\*\*/.source, // 1: bold
      /\[([^\[\]\n]+)\]\(\s*([^()\s]+)\s*\)/.source, // 2: label, 3: url
      /(https?:\/\/[^\s<>"'`]+)/.source, // 4: bare URL
      /(^|[\s(\["'‘“])_(\S(?:[^\n]*?\S)?)_(?=$|[\s.,;:!?)\]"'’”])/.source, // 5: text before, 6: italic
    ].join("|"),
    "g"
  );

  function appendInline(parent, text, allowEmphasis) {
    var tokens = [];
    var match;
    var pattern = new RegExp(TOKEN.source, "g");
    while ((match = pattern.exec(text)) !== null) tokens.push(match);
    var last = 0;
    tokens.forEach(function (m) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      last = m.index + m[0].length;
      if (m[1] !== undefined || m[6] !== undefined) {
        if (m[5]) parent.appendChild(document.createTextNode(m[5]));
        var inner = m[1] !== undefined ? m[1] : m[6];
        var wrapper = allowEmphasis ? el(m[1] !== undefined ? "strong" : "em") : parent;
        appendInline(wrapper, inner, false);
        if (wrapper !== parent) parent.appendChild(wrapper);
      } else if (m[2] !== undefined) {
        // [label](url): a link for http(s), mailto: and tel:, otherwise only the label as text
        var label = m[2];
        var href = safeHttpUrl(m[3]);
        var contact = href ? null : safeContactUrl(m[3]);
        if (href) parent.appendChild(link(href, label));
        else if (contact) parent.appendChild(contactLink(contact, label));
        else parent.appendChild(document.createTextNode(label));
      } else {
        // bare URL: leave trailing punctuation outside the link
        var url = m[4];
        var trail = "";
        while (/[.,;:!?)\]]$/.test(url)) {
          if (url.slice(-1) === ")" && (url.match(/\(/g) || []).length >= (url.match(/\)/g) || []).length) break;
          trail = url.slice(-1) + trail;
          url = url.slice(0, -1);
        }
        var safe = safeHttpUrl(url);
        parent.appendChild(safe ? link(safe, url) : document.createTextNode(url));
        if (trail) parent.appendChild(document.createTextNode(trail));
      }
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Simple markdown: **bold**, _italic_, links, "## heading" lines (shown bold) and line breaks. Never parses HTML. */
  function renderRichText(parent, text) {
    String(text)
      .split(/\r?\n/)
      .forEach(function (line, i) {
        if (i > 0) parent.appendChild(el("br"));
        var heading = /^ {0,3}#{1,6}[ \t]+(.*)$/.exec(line);
        if (heading) {
          var strong = el("strong");
          appendInline(strong, heading[1], false);
          parent.appendChild(strong);
        } else {
          appendInline(parent, line, true);
        }
      });
  }

  // ---------------------------------------------------------------------------------------------
  // Build the widget
  // ---------------------------------------------------------------------------------------------
  var root = el("div", { className: "osw-root", lang: "nl", hidden: true });
  var launcher = el(
    "button",
    { type: "button", className: "osw-launcher", "aria-expanded": "false", "aria-controls": "osw-dialog" },
    [el("span", { className: "osw-launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: TEXT.launcher })]
  );
  var title = el("h2", { id: "osw-title", className: "osw-title", text: config.title });
  var newChatButton = el("button", { type: "button", className: "osw-header-button osw-new", text: TEXT.newChat });
  var closeButton = el(
    "button",
    { type: "button", className: "osw-header-button osw-close", "aria-label": TEXT.close },
    [el("span", { "aria-hidden": "true", text: "✕" })]
  );
  var privacy = el("p", { className: "osw-privacy", id: "osw-privacy", text: TEXT.privacy });
  var status = el("p", { className: "osw-status", role: "status" });
  var log = el("div", {
    className: "osw-log",
    id: "osw-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": TEXT.logLabel,
    tabindex: "0",
  });
  var typing = el("div", { className: "osw-typing", hidden: true }, [
    el("span", { className: "osw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { className: "osw-typing-text", text: TEXT.typing }),
  ]);
  var input = el("input", {
    type: "text",
    id: "osw-input",
    className: "osw-input",
    name: "message",
    autocomplete: "off",
    maxlength: "1000",
    "aria-describedby": "osw-privacy",
  });
  var sendButton = el("button", { type: "submit", className: "osw-send", text: TEXT.send });
  var form = el("form", { className: "osw-form", novalidate: true }, [
    el("label", { for: "osw-input", className: "osw-label", text: TEXT.inputLabel }),
    el("div", { className: "osw-input-row" }, [input, sendButton]),
  ]);
  var dialog = el(
    "div",
    { className: "osw-dialog", id: "osw-dialog", role: "dialog", "aria-labelledby": "osw-title", hidden: true },
    [
      el("div", { className: "osw-header" }, [
        title,
        el("div", { className: "osw-header-actions" }, [newChatButton, closeButton]),
      ]),
      privacy,
      log,
      typing,
      status,
      form,
    ]
  );
  root.appendChild(dialog);
  root.appendChild(launcher);

  // ---------------------------------------------------------------------------------------------
  // Rendering the transcript
  // ---------------------------------------------------------------------------------------------
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderUser(entry) {
    return el("div", { className: "osw-msg osw-msg-user" }, [srOnly(TEXT.you), entry.text]);
  }

  function renderPart(part) {
    var nodes = [];
    if (part.text || part.link) {
      var bubble = el("div", { className: "osw-msg osw-msg-bot" }, [srOnly(TEXT.bot)]);
      if (part.text) renderRichText(bubble, part.text);
      if (part.link) {
        if (part.text) bubble.appendChild(el("br"));
        bubble.appendChild(link(part.link, TEXT.attachment));
      }
      nodes.push(bubble);
    }
    if (part.buttons && part.buttons.length) {
      var group = el("div", { className: "osw-buttons", role: "group", "aria-label": TEXT.choices });
      part.buttons.forEach(function (b) {
        var button = el("button", { type: "button", className: "osw-choice", text: b.title });
        button.addEventListener("click", function () {
          sendUserMessage(b.payload, b.title);
        });
        group.appendChild(button);
      });
      nodes.push(group);
    }
    return nodes;
  }

  function renderFeedback(entry, groupNode) {
    var thanks = el("span", { className: "osw-feedback-status", role: "status" });
    var up = el("button", {
      type: "button",
      className: "osw-fb osw-fb-up",
      "aria-label": TEXT.feedbackUp,
      title: TEXT.feedbackUp,
      "aria-pressed": entry.fb === "up" ? "true" : "false",
      text: "👍",
    });
    var down = el("button", {
      type: "button",
      className: "osw-fb osw-fb-down",
      "aria-label": TEXT.feedbackDown,
      title: TEXT.feedbackDown,
      "aria-pressed": entry.fb === "down" ? "true" : "false",
      text: "👎",
    });
    if (entry.fb) thanks.textContent = TEXT.feedbackThanks;
    function choose(value) {
      entry.fb = value;
      up.setAttribute("aria-pressed", value === "up" ? "true" : "false");
      down.setAttribute("aria-pressed", value === "down" ? "true" : "false");
      saveTranscript();
      var firstText = (entry.parts.filter(function (p) {
        return p.text;
      })[0] || {}).text;
      var sentNow = sendSilent('/feedback{"feedback":"' + value + '"}', {
        // which answer the feedback is about (stored with the user event in the tracker)
        metadata: { feedback_for: { answer: entry.n, text: (firstText || "").slice(0, 200) } },
        onDone: function (received) {
          if (entry.fb === value) thanks.textContent = received ? TEXT.feedbackThanks : TEXT.feedbackFailed;
        },
      });
      thanks.textContent = sentNow ? TEXT.feedbackSending : TEXT.feedbackOffline;
    }
    up.addEventListener("click", function () {
      choose("up");
    });
    down.addEventListener("click", function () {
      choose("down");
    });
    var wrap = el("div", { className: "osw-feedback", role: "group", "aria-label": TEXT.feedbackQuestion }, [
      el("span", { className: "osw-feedback-question", "aria-hidden": "true", text: TEXT.feedbackQuestion }),
      up,
      down,
      thanks,
    ]);
    groupNode.appendChild(wrap);
    return wrap;
  }

  function renderBotGroup(entry) {
    var group = el("div", { className: "osw-answer" });
    entry.parts.forEach(function (part) {
      renderPart(part).forEach(function (n) {
        group.appendChild(n);
      });
    });
    if (!entry.nofb && entry.parts.length) renderFeedback(entry, group);
    return group;
  }

  function renderEntry(entry) {
    return entry.t === "user" ? renderUser(entry) : renderBotGroup(entry);
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(el("div", { className: "osw-msg osw-msg-bot osw-intro" }, [srOnly(TEXT.bot), TEXT.intro]));
    state.transcript.forEach(function (entry) {
      var node = renderEntry(entry);
      entry.__node = node;
      log.appendChild(node);
    });
    scrollToEnd();
  }

  function systemNote(text) {
    var note = el("div", { className: "osw-system", text: text });
    log.appendChild(note);
    scrollToEnd();
    return note;
  }

  // ---------------------------------------------------------------------------------------------
  // Typing indicator
  // ---------------------------------------------------------------------------------------------
  function showTyping() {
    typing.hidden = false;
    scrollToEnd();
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () {
      hideTyping();
      systemNote(TEXT.noAnswer);
    }, config.answerTimeoutMs);
  }

  function hideTyping() {
    typing.hidden = true;
    clearTimeout(state.typingTimer);
  }

  // ---------------------------------------------------------------------------------------------
  // Bot messages
  // ---------------------------------------------------------------------------------------------
  function normaliseButtons(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(function (b) {
        return b && (typeof b.title === "string" || typeof b.payload === "string");
      })
      .map(function (b) {
        var title = typeof b.title === "string" ? b.title : b.payload;
        var payload = typeof b.payload === "string" ? b.payload : title;
        return { title: title, payload: payload };
      });
  }

  function attachmentUrl(attachment) {
    if (!attachment) return null;
    if (typeof attachment === "string") return safeHttpUrl(attachment);
    var payload = attachment.payload || {};
    return safeHttpUrl(payload.src || payload.url || attachment.url || "");
  }

  /** Rasa socket.io payloads: {text}, {text, quick_replies:[{title,payload}]}, {attachment}, custom. */
  function normaliseBotMessage(msg) {
    if (typeof msg === "string") msg = { text: msg };
    if (!msg || typeof msg !== "object") return null;
    var part = {};
    if (typeof msg.text === "string" && msg.text.trim()) part.text = msg.text;
    var buttons = normaliseButtons(msg.quick_replies).concat(normaliseButtons(msg.buttons));
    if (buttons.length) part.buttons = buttons;
    var url = attachmentUrl(msg.attachment);
    if (url) part.link = url;
    if (!part.text && !part.buttons && !part.link) return null; // unknown custom payload: not shown
    return part;
  }

  function scheduleFeedback(entry) {
    clearTimeout(entry.__feedbackTimer);
    // Added shortly after the last part, so screen readers read the answer before the controls.
    entry.__feedbackTimer = setTimeout(function () {
      if (entry.nofb || !entry.__node || entry.__node.querySelector(".osw-feedback")) return;
      renderFeedback(entry, entry.__node);
      scrollToEnd();
    }, 400);
  }

  function countAnswers() {
    return state.transcript.filter(function (e) {
      return e.t === "bot";
    }).length;
  }

  function onBotUttered(msg) {
    var part = normaliseBotMessage(msg);
    if (!part) return;
    hideTyping();
    var last = state.transcript[state.transcript.length - 1];
    if (!last || last.t !== "bot" || state.newGroup) {
      last = { t: "bot", parts: [], fb: null, nofb: state.nextNoFeedback || undefined, n: countAnswers() + 1 };
      state.newGroup = false;
      state.nextNoFeedback = false;
      last.__node = el("div", { className: "osw-answer" });
      state.transcript.push(last);
      log.appendChild(last.__node);
    }
    last.parts.push(part);
    var feedbackNode = last.__node.querySelector(".osw-feedback");
    renderPart(part).forEach(function (n) {
      last.__node.insertBefore(n, feedbackNode);
    });
    saveTranscript();
    scrollToEnd();
    if (!last.nofb) scheduleFeedback(last);
  }

  // ---------------------------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------------------------
  function canSend() {
    return !!(state.socket && state.socket.connected && state.confirmed);
  }

  /**
   * Sends user_uttered. With onDone, asks for a socket.io acknowledgement: python-socketio sends it
   * after Rasa's handler has processed the message, so onDone(true) means "received".
   */
  function emit(item) {
    var payload = { message: item.message, session_id: state.sessionId };
    if (item.metadata) payload.metadata = item.metadata;
    if (item.onDone) {
      state.socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", payload, function (err) {
        item.onDone(!err);
      });
    } else {
      state.socket.emit("user_uttered", payload);
    }
  }

  function flushQueue() {
    while (state.queue.length && canSend()) {
      var item = state.queue.shift();
      emit(item);
      if (!item.silent) showTyping();
    }
  }

  /** A message the user sees in the chat (typed text, or a button title with its payload). */
  function sendUserMessage(message, shownText) {
    var entry = { t: "user", text: shownText };
    state.transcript.push(entry);
    entry.__node = renderUser(entry);
    log.appendChild(entry.__node);
    saveTranscript();
    state.nextNoFeedback = false;
    state.newGroup = true;
    if (canSend()) {
      emit({ message: message });
      showTyping();
    } else {
      state.queue.push({ message: message, silent: false });
      systemNote(TEXT.queued);
      connect();
    }
    scrollToEnd();
  }

  /**
   * A message that is not shown (feedback, /restart). Returns true when it went out now, false when
   * it waits for a connection. options: {metadata, onDone(received)}.
   */
  function sendSilent(message, options) {
    var item = { message: message, silent: true };
    if (options) {
      item.metadata = options.metadata;
      item.onDone = options.onDone;
    }
    state.newGroup = true;
    state.nextNoFeedback = true;
    if (canSend()) {
      emit(item);
      return true;
    }
    state.queue.push(item);
    connect();
    return false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    sendUserMessage(text, text);
    input.focus();
  });

  // ---------------------------------------------------------------------------------------------
  // Connection
  // ---------------------------------------------------------------------------------------------
  function setStatus(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function showOffline() {
    setStatus("");
    if (!state.offlineShown) {
      state.offlineShown = true;
      hideTyping();
      systemNote(TEXT.offline);
    }
  }

  function requestSession() {
    state.confirmed = false;
    state.socket.emit("session_request", { session_id: state.sessionId });
  }

  function startSocket() {
    if (state.socket) return;
    setStatus(TEXT.connecting);
    var socket = window.io(config.server, {
      path: config.socketPath,
      // WebSocket first: no CORS needed (Rasa's engine.io has its own CORS handling switched off);
      // long-polling as a fallback when WebSocket is blocked.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
      timeout: 10000,
    });
    state.socket = socket;
    socket.on("connect", function () {
      requestSession();
    });
    socket.on("session_confirm", function (payload) {
      var confirmedId = typeof payload === "string" ? payload : payload && payload.session_id;
      if (confirmedId && confirmedId !== state.sessionId) return; // confirm for an older session
      state.confirmed = true;
      state.everConnected = true;
      setStatus("");
      if (state.offlineShown) {
        state.offlineShown = false;
        systemNote(TEXT.reconnected);
      }
      flushQueue();
    });
    socket.on("bot_uttered", onBotUttered);
    socket.on("connect_error", showOffline);
    socket.on("disconnect", function (reason) {
      state.confirmed = false;
      if (reason === "io client disconnect") return;
      showOffline();
      // socket.io does not reconnect by itself after a disconnect by the server
      if (reason === "io server disconnect") {
        setTimeout(function () {
          socket.connect();
        }, 2000);
      }
    });
  }

  function connect() {
    if (state.socket || state.clientFailed) {
      if (state.clientFailed) systemNote(TEXT.loadFailed);
      return;
    }
    if (typeof window.io === "function") {
      startSocket();
      return;
    }
    if (state.loadingClient) return;
    state.loadingClient = true;
    setStatus(TEXT.connecting);
    var tag = document.createElement("script");
    tag.src = config.socketClientSrc;
    tag.async = true;
    tag.onload = function () {
      state.loadingClient = false;
      if (typeof window.io === "function") startSocket();
      else onClientFailed();
    };
    tag.onerror = function () {
      state.loadingClient = false;
      onClientFailed();
    };
    document.head.appendChild(tag);
  }

  function onClientFailed() {
    state.clientFailed = true;
    setStatus("");
    hideTyping();
    systemNote(TEXT.loadFailed);
  }

  // ---------------------------------------------------------------------------------------------
  // Open / close / new conversation
  // ---------------------------------------------------------------------------------------------
  function isOpen() {
    return !dialog.hidden;
  }

  function open(moveFocus) {
    dialog.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("osw-is-open");
    store.set("open", "1");
    scrollToEnd();
    connect();
    if (moveFocus !== false) input.focus();
  }

  function close() {
    dialog.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("osw-is-open");
    store.set("open", "0");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (isOpen()) close();
    else open(true);
  });
  closeButton.addEventListener("click", close);
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    }
  });

  newChatButton.addEventListener("click", function () {
    hideTyping();
    state.queue = [];
    state.sessionId = newSessionId();
    store.set("session", state.sessionId);
    state.transcript = [];
    saveTranscript();
    renderAll();
    // Ask for the new session first: /restart waits in the queue until its session_confirm.
    if (state.socket && state.socket.connected) requestSession();
    else state.confirmed = false;
    sendSilent("/restart");
    input.focus();
  });

  // ---------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------
  function mount() {
    renderAll();
    setStatus("");
    document.body.appendChild(root);
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = config.cssHref;
    var shown = false;
    function show() {
      if (shown) return;
      shown = true;
      root.hidden = false;
      if (store.get("open") === "1" || config.startOpen) open(false);
    }
    css.onload = show;
    css.onerror = show;
    setTimeout(show, 3000);
    document.head.appendChild(css);
  }

  window.__opschalingswijzerWidget = {
    open: function () {
      open(true);
    },
    close: close,
    get sessionId() {
      return state.sessionId;
    },
    get connected() {
      return canSend();
    },
    config: config,
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
