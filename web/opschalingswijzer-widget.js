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
    // asked in the widget itself (not window.confirm); the old conversation stays on the server
    // until it is erased ("verwijder mijn gesprek") or removed after the retention period
    newChatQuestion: "Nieuw gesprek beginnen? Dit gesprek verdwijnt dan van uw scherm.",
    newChatYes: "Ja, nieuw gesprek",
    newChatNo: "Nee, ga terug",
    inputLabel: "Uw bericht",
    send: "Verstuur",
    logLabel: "Gesprek met de Opschalingswijzer",
    you: "U: ",
    bot: "Opschalingswijzer: ",
    choices: "Kies een antwoord",
    privacy: "Typ geen BSN of volledige naam. Dit is geen medisch advies.",
    // always in the panel, also on sites without their own help text; every number is a tel: link
    // (the numbers of catalogue/texts.yaml: 112, 113 Zelfmoordpreventie, Veilig Thuis)
    helpLead: "Direct hulp nodig?",
    help: [
      ["Bel ", "112"],
      [", ", "113"],
      [" (zelfdoding) of Veilig Thuis: ", "0800-2000"],
      [".", null],
    ],
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
    inputHint: "Enter verstuurt. Shift+Enter geeft een nieuwe regel.",
    count: function (n) {
      return n + " van " + MAX_CHARS + " tekens";
    },
    tooLong: function (n) {
      return (
        "Uw bericht is te lang: " + n + " tekens. Er passen " + MAX_CHARS + " tekens in één bericht. " +
        "Maak het korter, of verstuur het in twee delen."
      );
    },
    chosen: " (gekozen)",
    call: "Bel ",
    commentLabel: "Wat klopte er niet? (mag leeg blijven)",
    commentSend: "Opmerking versturen",
    commentTooLong: function (n) {
      return "Uw opmerking is te lang: " + n + " tekens. Er passen " + MAX_COMMENT_CHARS + " tekens in.";
    },
    commentCount: function (n) {
      return n + " van " + MAX_COMMENT_CHARS + " tekens";
    },
    commentThanks: "Bedankt, uw opmerking is ontvangen.",
    attachment: "Bijlage openen",
    // the download links come with their titles from the server (catalogue/texts.yaml); this only names the group
    documents: "Downloaden",
  };

  var MAX_ENTRIES = 300;
  var MAX_CHARS = 4000; // the server refuses longer messages (OPSW_MAX_MESSAGE_CHARS)
  var MAX_COMMENT_CHARS = 500;
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
    typingTimer: null,
    feedbackReplies: [], // feedback messages whose reply has not come yet: {thanks, replied}
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
  // [label](url), bare https://… and www.… addresses, e-mail addresses and phone numbers;
  // everything else is text. The dialect is docs/markdown.md; channels/text_format.py reads the
  // same [label](url) (a label may hold one level of [brackets], a url one level of (parentheses)).
  var TOKEN = new RegExp(
    [
      /\*\*(\S(?:[^\n]*?\S)?)\*\*/.source, // 1: bold
      /\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\(((?:[^()\n]|\([^()\n]*\))*)\)/.source, // 2: label, 3: url
      /(https?:\/\/[^\s<>"'`]+)/.source, // 4: bare URL
      /(^|[\s(\["'‘“])_([^\s_](?:[^\n]*?[^\s_])?)_(?=$|[\s.,;:!?)\]"'’”])/.source, // 5: text before, 6: italic
      /(?<![\w@.\/:-])(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[\/?#][^\s<>"'`]*)?)/.source, // 7: www.… address
      /(?<![\w.+%-])([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?![\w@-])/.source, // 8: e-mail
      /(?<![\w+\/.,-])(0(?:800|900|[1-9]\d{1,2})(?:[ -]?\d){4,8})(?![\w-])/.source, // 9: phone number
      /(?<![\w+\/.,-])(11[23])(?![\w\/.,-]?\d)(?![\w-])/.source, // 10: 112 / 113
    ].join("|"),
    "gi"
  );
  // "bel 112", "belt u dan 113": a short number right after "bel" (at most three words between)
  var BEFORE_SHORT_NUMBER = /\b(bel|belt|bellen)(?:\s+[^\s.?!:;]+){0,3}\s+$/i;

  /** Strips trailing punctuation from a bare address; returns [address, trailing text]. */
  function splitTrail(url) {
    var trail = "";
    while (/[.,;:!?)\]]$/.test(url)) {
      if (url.slice(-1) === ")" && (url.match(/\(/g) || []).length >= (url.match(/\)/g) || []).length) break;
      trail = url.slice(-1) + trail;
      url = url.slice(0, -1);
    }
    return [url, trail];
  }

  function phoneHref(number) {
    return "tel:" + number.replace(/[^0-9+]/g, "");
  }

  /**
   * Appends text with inline markup to parent. opts.emphasis: bold/italic allowed (not inside
   * bold); opts.crisis: the short numbers 112/113 become tel: links everywhere (elsewhere only
   * after "bel").
   */
  function appendInline(parent, text, opts) {
    var tokens = [];
    var match;
    var pattern = new RegExp(TOKEN.source, "gi");
    while ((match = pattern.exec(text)) !== null) tokens.push(match);
    var last = 0;
    tokens.forEach(function (m) {
      if (m.index < last) return;
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      last = m.index + m[0].length;
      if (m[1] !== undefined || m[6] !== undefined) {
        if (m[5]) parent.appendChild(document.createTextNode(m[5]));
        var inner = m[1] !== undefined ? m[1] : m[6];
        var wrapper = opts.emphasis ? el(m[1] !== undefined ? "strong" : "em") : parent;
        appendInline(wrapper, inner, { emphasis: false, crisis: opts.crisis, before: text.slice(0, m.index) });
        if (wrapper !== parent) parent.appendChild(wrapper);
      } else if (m[2] !== undefined) {
        // [label](url): a link for http(s), mailto: and tel:, otherwise only the label as text
        // (also for a url with a space or quote in it: "[de website](https://de website)")
        var label = m[2];
        var target = m[3].trim();
        var plainTarget = /[\s<>"'`]/.test(target) ? null : target;
        var href = plainTarget && safeHttpUrl(plainTarget);
        var contact = href || !plainTarget ? null : safeContactUrl(plainTarget);
        if (href) parent.appendChild(link(href, label));
        else if (contact) parent.appendChild(contactLink(contact, label));
        else parent.appendChild(document.createTextNode(label));
      } else if (m[4] !== undefined || m[7] !== undefined) {
        // bare URL or www.…: leave trailing punctuation outside the link
        var split = splitTrail(m[4] !== undefined ? m[4] : m[7]);
        var safe = safeHttpUrl(m[4] !== undefined ? split[0] : "https://" + split[0]);
        parent.appendChild(safe ? link(safe, split[0]) : document.createTextNode(split[0]));
        if (split[1]) parent.appendChild(document.createTextNode(split[1]));
      } else if (m[8] !== undefined) {
        parent.appendChild(contactLink("mailto:" + m[8], m[8]));
      } else if (m[9] !== undefined) {
        parent.appendChild(contactLink(phoneHref(m[9]), m[9]));
      } else {
        var before = (opts.before || "") + text.slice(0, m.index);
        if (opts.crisis || BEFORE_SHORT_NUMBER.test(before.replace(/\*+$/, ""))) {
          parent.appendChild(contactLink(phoneHref(m[10]), m[10]));
        } else {
          parent.appendChild(document.createTextNode(m[10]));
        }
      }
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Simple markdown: **bold**, _italic_, links, "## heading" lines (shown bold) and line breaks. Never parses HTML. */
  function renderRichText(parent, text, crisis) {
    var previousWasItem = false;
    String(text)
      .split(/\r?\n/)
      .forEach(function (line, i) {
        var item = /^ {0,3}[-*•][ \t]+(.*)$/.exec(line);
        if (item) {
          // "- text": a list item (a block with a bullet, so a wrapped line stays indented)
          var li = el("span", { className: "osw-li" }, [el("span", { className: "osw-bullet", "aria-hidden": "true", text: "•" })]);
          appendInline(li, item[1], { emphasis: true, crisis: crisis });
          parent.appendChild(li);
          previousWasItem = true;
          return;
        }
        if (i > 0 && !previousWasItem) parent.appendChild(el("br"));
        previousWasItem = false;
        var heading = /^ {0,3}#{1,6}[ \t]+(.*)$/.exec(line);
        if (heading) {
          var strong = el("strong");
          appendInline(strong, heading[1], { emphasis: false, crisis: crisis });
          parent.appendChild(strong);
        } else {
          // "… Bron: …" / "_Bron: …_": the sources of an answer, shown smaller on a line of their own
          var source = SOURCE.exec(line);
          var at = source ? source.index + source[1].length : -1;
          if (at > 0) appendInline(parent, line.slice(0, at).replace(/\s+$/, ""), { emphasis: true, crisis: crisis });
          if (at >= 0) {
            var block = el("span", { className: "osw-source" });
            appendInline(block, line.slice(at), { emphasis: true, crisis: crisis });
            parent.appendChild(block);
          } else {
            appendInline(parent, line, { emphasis: true, crisis: crisis });
          }
        }
      });
  }
  var SOURCE = /(^|[.!?)'’]\s+)(?=_?Bron(?:nen)?: )/;

  // ---------------------------------------------------------------------------------------------
  // Build the widget
  // ---------------------------------------------------------------------------------------------
  var root = el("div", { className: "osw-root", lang: "nl", hidden: true });
  var launcher = el(
    "button",
    { type: "button", className: "osw-launcher", "aria-expanded": "false", "aria-controls": "osw-dialog" },
    [el("span", { className: "osw-launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: TEXT.launcher })]
  );
  // "Opschalings<wbr>wijzer": with large text on a phone the long name breaks between its two parts
  var title = el(
    "h2",
    { id: "osw-title", className: "osw-title" },
    config.title.split(/(?<=Opschalings)(?=wijzer)/).reduce(function (nodes, piece, i) {
      return nodes.concat(i ? [el("wbr"), piece] : [piece]);
    }, [])
  );
  var newChatButton = el("button", { type: "button", className: "osw-new", text: TEXT.newChat });
  var closeButton = el(
    "button",
    { type: "button", className: "osw-header-button osw-close", "aria-label": TEXT.close },
    [el("span", { "aria-hidden": "true", text: "✕" })]
  );
  var privacy = el("p", { className: "osw-privacy", id: "osw-privacy", text: TEXT.privacy });
  var help = el("p", { className: "osw-help", id: "osw-help" }, [el("strong", { text: TEXT.helpLead }), " "]);
  TEXT.help.forEach(function (piece) {
    help.appendChild(document.createTextNode(piece[0]));
    if (piece[1]) help.appendChild(contactLink(phoneHref(piece[1]), piece[1]));
  });
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
  var input = el("textarea", {
    id: "osw-input",
    className: "osw-input",
    name: "message",
    rows: "1",
    autocomplete: "off",
    enterkeyhint: "send",
    "aria-describedby": "osw-privacy osw-count osw-hint",
  });
  var counter = el("span", { className: "osw-count", id: "osw-count" });
  var hint = el("span", { className: "osw-hint", id: "osw-hint", text: TEXT.inputHint });
  // Said once when the text goes over the limit, and again when sending is blocked.
  var limitNote = el("p", { className: "osw-limit", id: "osw-limit", role: "alert" });
  var sendButton = el("button", { type: "submit", className: "osw-send", text: TEXT.send });
  var form = el("form", { className: "osw-form", novalidate: true }, [
    el("label", { for: "osw-input", className: "osw-label", text: TEXT.inputLabel }),
    el("div", { className: "osw-input-row" }, [input, sendButton]),
    el("div", { className: "osw-input-info" }, [hint, counter]),
    limitNote,
  ]);
  // The privacy and help lines stay above the conversation. On short screens (200 % text on a
  // phone, a phone held sideways, 200 % zoom) they are the first lines of the log instead, so the
  // conversation keeps room and they scroll away with it.
  var notes = el("div", { className: "osw-notes" }, [help, privacy]);
  var shortScreen = typeof window.matchMedia === "function" ? window.matchMedia("(max-height: 40em)") : null;

  function placeNotes() {
    var inLog = !!(shortScreen && shortScreen.matches);
    if (inLog && log.firstChild !== notes) log.insertBefore(notes, log.firstChild);
    else if (!inLog && notes.parentNode !== dialog) dialog.insertBefore(notes, log);
  }

  // "Nieuw gesprek" sits under the message box, far from ✕, and asks first (inline, not window.confirm)
  var confirmNo = el("button", { type: "button", className: "osw-confirm-button osw-confirm-no", text: TEXT.newChatNo });
  var confirmYes = el("button", {
    type: "button",
    className: "osw-confirm-button osw-confirm-yes",
    text: TEXT.newChatYes,
  });
  var confirmBox = el(
    "div",
    { className: "osw-confirm", id: "osw-confirm", role: "group", "aria-labelledby": "osw-confirm-question", hidden: true },
    [
      el("p", { className: "osw-confirm-question", id: "osw-confirm-question", text: TEXT.newChatQuestion }),
      el("div", { className: "osw-confirm-actions" }, [confirmNo, confirmYes]),
    ]
  );
  newChatButton.setAttribute("aria-expanded", "false");
  newChatButton.setAttribute("aria-controls", "osw-confirm");
  var tools = el("div", { className: "osw-tools" }, [newChatButton, confirmBox]);
  var dialog = el(
    "div",
    { className: "osw-dialog", id: "osw-dialog", role: "dialog", "aria-labelledby": "osw-title", hidden: true },
    [
      el("div", { className: "osw-header" }, [title, el("div", { className: "osw-header-actions" }, [closeButton])]),
      notes,
      log,
      typing,
      status,
      form,
      tools,
    ]
  );
  root.appendChild(dialog);
  root.appendChild(launcher);

  // ---------------------------------------------------------------------------------------------
  // Rendering the transcript
  // ---------------------------------------------------------------------------------------------
  /** Instant, not smooth: a jump the reader can follow, and nothing else moves the log afterwards. */
  function scrollLogTo(top) {
    if (typeof log.scrollTo === "function") log.scrollTo({ top: top, behavior: "instant" });
    else log.scrollTop = top;
  }

  function scrollToEnd() {
    scrollLogTo(log.scrollHeight);
  }

  /**
   * A new answer is read from its start: the log scrolls so that the answer's first line is near
   * the top, with the user's own message above it when that fits (at most 40 % of the log).
   */
  function scrollToAnswer(groupNode) {
    if (!groupNode || !groupNode.parentNode) return;
    var margin = 8;
    var target = groupNode.offsetTop - margin;
    var prev = groupNode.previousElementSibling;
    // skip the chat's own notes ("Nog geen verbinding …") between the user's message and the answer
    while (prev && prev.classList.contains("osw-system")) prev = prev.previousElementSibling;
    if (prev && prev.classList.contains("osw-msg-user")) {
      target = Math.max(prev.offsetTop - margin, groupNode.offsetTop - Math.round(log.clientHeight * 0.4));
    }
    scrollLogTo(Math.max(0, target));
  }

  function countChars(text) {
    return Array.from(text).length; // code points, as the server (Python) counts them
  }

  function renderUser(entry) {
    return el("div", { className: "osw-msg osw-msg-user" }, [srOnly(TEXT.you), entry.text]);
  }

  var KINDS = ["crisis", "check_in", "question", "advice", "detail", "info", "notice", "error"];
  // a crisis message and a check-in (a direct question about suicide with 113) both come first, with call buttons
  var ALARM = { crisis: true, check_in: true };

  function paragraph(part, crisis) {
    var p = el("div", { className: "osw-p" });
    if (part.text) renderRichText(p, part.text, crisis);
    if (part.link) {
      if (part.text) p.appendChild(el("br"));
      p.appendChild(link(part.link, TEXT.attachment));
    }
    return p;
  }

  /**
   * Under a crisis message: one large call button per phone number in its text (in the order of
   * the text, each number once), so a worried reader on a phone can call with one tap.
   */
  function refreshCalls(bubble) {
    var old = bubble.querySelector(".osw-calls");
    if (old) bubble.removeChild(old);
    var seen = {};
    var calls = el("div", { className: "osw-calls" });
    var after = null; // right after the text with the last number, before the sources
    Array.prototype.forEach.call(bubble.querySelectorAll('.osw-p a[href^="tel:"]'), function (a) {
      after = a.closest(".osw-p");
      var href = a.getAttribute("href");
      if (seen[href]) return;
      seen[href] = true;
      calls.appendChild(el("a", { href: href, className: "osw-call" }, [TEXT.call + a.textContent]));
    });
    if (!after) return;
    var source = after.querySelector(".osw-source");
    if (source && !source.querySelector('a[href^="tel:"]')) after.insertBefore(calls, source);
    else bubble.insertBefore(calls, after.nextSibling);
  }

  /**
   * The nodes of one part. Rasa sends a text in several events (split on blank lines): a part
   * of the same kind as the one before it is added to that bubble as a new paragraph (merge).
   */
  function renderPart(part, entry, live, merge) {
    var nodes = [];
    var kind = KINDS.indexOf(part.kind) >= 0 ? part.kind : null;
    var alarm = kind !== null && ALARM[kind] === true;
    if (part.text || part.link) {
      if (merge) {
        merge.appendChild(paragraph(part, alarm));
        if (alarm) refreshCalls(merge);
      } else {
        var attrs = { className: "osw-msg osw-msg-bot" + (kind ? " osw-kind-" + kind : "") };
        if (alarm) {
          attrs.className += " osw-msg-crisis";
          // announced at once (assertive), not after what the polite log region is reading; only
          // for messages that arrive now, not for a conversation shown again after a reload
          if (live) {
            attrs.role = "alert";
            attrs["aria-atomic"] = "false";
          }
        }
        var bubble = el("div", attrs, [srOnly(TEXT.bot)]);
        bubble.appendChild(paragraph(part, alarm));
        if (alarm) refreshCalls(bubble);
        nodes.push(bubble);
      }
    }
    if (part.docs && part.docs.length) nodes.push(renderDocs(part));
    if (part.buttons && part.buttons.length) {
      var group = el("div", { className: "osw-buttons", role: "group", "aria-label": TEXT.choices });
      part.buttons.forEach(function (b) {
        var chosen = entry && entry.done && entry.chosen === b.title;
        var button = el(
          "button",
          {
            type: "button",
            className: "osw-choice" + (chosen ? " osw-chosen" : ""),
            disabled: !!(entry && entry.done),
          },
          [b.title].concat(chosen ? [srOnly(TEXT.chosen)] : [])
        );
        button.addEventListener("click", function () {
          if (button.disabled) return;
          sendUserMessage(b.payload, b.title, entry);
        });
        group.appendChild(button);
      });
      nodes.push(group);
    }
    return nodes;
  }

  /**
   * The documents of an answer (a draft letter, the calendar file, the overview): links that look like buttons,
   * each at least 44 px high. The overview page opens in a new window (to print); the files download.
   */
  function renderDocs(part) {
    var links = part.docs.map(function (doc) {
      var attrs = { href: doc.href, className: "osw-doc osw-doc-" + doc.format };
      if (doc.format === "html") {
        attrs.target = "_blank";
        attrs.rel = "noopener noreferrer";
      } else {
        attrs.download = "";
        attrs.rel = "noreferrer";
      }
      var children = [doc.title];
      if (doc.format === "html") children.push(srOnly(TEXT.newWindow));
      return el("a", attrs, children);
    });
    var group = el("div", { className: "osw-docs", role: "group", "aria-label": TEXT.documents }, [
      el("div", { className: "osw-docs-links" }, links),
    ]);
    if (part.docsNote) group.appendChild(el("p", { className: "osw-docs-note", text: part.docsNote }));
    return group;
  }

  /** The buttons of earlier answers cannot be used any more once the user has answered. */
  function closeChoices(chosenEntry, chosenTitle) {
    state.transcript.forEach(function (entry) {
      if (entry.t !== "bot" || entry.done) return;
      var hasButtons = entry.parts.some(function (p) {
        return p.buttons && p.buttons.length;
      });
      if (!hasButtons) return;
      entry.done = true;
      if (entry === chosenEntry) entry.chosen = chosenTitle;
      if (!entry.__node) return;
      Array.prototype.forEach.call(entry.__node.querySelectorAll("button.osw-choice"), function (button) {
        button.disabled = true;
        if (entry === chosenEntry && button.textContent === chosenTitle) {
          button.classList.add("osw-chosen");
          button.appendChild(srOnly(TEXT.chosen));
        }
      });
    });
  }

  /**
   * The start of the message the feedback is about. Our channels set feedback only on the LAST
   * part of a split message, so walk back over the parts of the same kind before it.
   */
  function feedbackText(entry) {
    var parts = entry.parts;
    var end = -1;
    for (var i = parts.length - 1; i >= 0; i--) {
      if (parts[i].feedback) {
        end = i;
        break;
      }
    }
    if (end < 0) return "";
    var start = end;
    while (
      start > 0 &&
      parts[start - 1].kind === parts[end].kind &&
      !(parts[start - 1].buttons && parts[start - 1].buttons.length)
    ) {
      start--;
    }
    return parts
      .slice(start, end + 1)
      .map(function (p) {
        return p.text || "";
      })
      .filter(Boolean)
      .join("\n\n");
  }

  function feedbackPayload(value, comment) {
    var body = { feedback: value };
    if (comment) body.comment = comment;
    return "/feedback" + JSON.stringify(body);
  }

  function renderFeedback(entry) {
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
    var commentId = "osw-comment-" + entry.n;
    var comment = el("textarea", {
      id: commentId,
      className: "osw-comment-input",
      rows: "2",
      "aria-describedby": commentId + "-count",
    });
    var commentCount = el("span", { className: "osw-count", id: commentId + "-count" });
    var commentNote = el("p", { className: "osw-limit", role: "alert" });
    var commentButton = el("button", { type: "submit", className: "osw-comment-send", text: TEXT.commentSend });
    var commentForm = el("form", { className: "osw-comment", novalidate: true, hidden: true }, [
      el("label", { for: commentId, className: "osw-comment-label", text: TEXT.commentLabel }),
      comment,
      el("div", { className: "osw-input-info" }, [commentCount]),
      commentNote,
      commentButton,
    ]);
    if (entry.fb) thanks.textContent = entry.commented ? TEXT.commentThanks : TEXT.feedbackThanks;

    function send(value, text) {
      // The server's short reply to feedback ("Dank u voor uw reactie.") is shown here, in the
      // status line of this answer, not as a new chat message (see onBotUttered).
      var waiter = { thanks: thanks, replied: false };
      state.feedbackReplies.push(waiter);
      var sentNow = sendSilent(feedbackPayload(value, text), {
        // which answer the feedback is about (stored with the user event in the tracker)
        metadata: { feedback_for: { answer: entry.n, text: feedbackText(entry).slice(0, 200) } },
        onDone: function (received) {
          // the acknowledgement comes after Rasa handled the message: a reply, if any, is in
          var index = state.feedbackReplies.indexOf(waiter);
          if (index >= 0) state.feedbackReplies.splice(index, 1);
          if (entry.fb !== value) return;
          if (!received) thanks.textContent = TEXT.feedbackFailed;
          else if (!waiter.replied) thanks.textContent = text ? TEXT.commentThanks : TEXT.feedbackThanks;
        },
      });
      thanks.textContent = sentNow ? TEXT.feedbackSending : TEXT.feedbackOffline;
    }
    function choose(value) {
      entry.fb = value;
      entry.commented = false;
      up.setAttribute("aria-pressed", value === "up" ? "true" : "false");
      down.setAttribute("aria-pressed", value === "down" ? "true" : "false");
      saveTranscript();
      send(value, "");
      commentForm.hidden = value !== "down";
      if (value === "down") {
        updateComment();
        comment.focus();
      }
    }
    function updateComment() {
      var n = countChars(comment.value.trim());
      commentCount.textContent = TEXT.commentCount(n);
      var over = n > MAX_COMMENT_CHARS;
      commentCount.classList.toggle("osw-over", over);
      comment.setAttribute("aria-invalid", over ? "true" : "false");
      if (!over) commentNote.textContent = "";
      return n;
    }
    comment.addEventListener("input", updateComment);
    comment.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        commentForm.requestSubmit ? commentForm.requestSubmit() : commentButton.click();
      }
    });
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = comment.value.trim();
      var n = updateComment();
      if (n > MAX_COMMENT_CHARS) {
        commentNote.textContent = "";
        commentNote.textContent = TEXT.commentTooLong(n);
        comment.focus();
        return;
      }
      if (!text) {
        comment.focus();
        return;
      }
      entry.fb = "down";
      entry.commented = true;
      saveTranscript();
      send("down", text);
      comment.value = "";
      commentForm.hidden = true;
      down.focus();
    });
    up.addEventListener("click", function () {
      choose("up");
    });
    down.addEventListener("click", function () {
      choose("down");
    });
    var wrap = el("div", { className: "osw-feedback", role: "group", "aria-label": TEXT.feedbackQuestion }, [
      el("div", { className: "osw-feedback-row" }, [
        el("span", { className: "osw-feedback-question", "aria-hidden": "true", text: TEXT.feedbackQuestion }),
        up,
        down,
        thanks,
      ]),
      commentForm,
    ]);
    return wrap;
  }

  /** Puts the feedback control right after the last advice/detail message of the answer. */
  function placeFeedback(entry) {
    if (!entry.__node || !entry.__fbAnchor) return;
    var wrap = entry.__node.querySelector(".osw-feedback") || renderFeedback(entry);
    var anchor = entry.__fbAnchor;
    if (anchor.nextSibling !== wrap) entry.__node.insertBefore(wrap, anchor.nextSibling);
  }

  function appendPart(entry, part, live) {
    var index = entry.parts.indexOf(part);
    var previous = index > 0 ? entry.parts[index - 1] : null;
    var lastNode = entry.__lastBubble;
    var merge =
      previous && previous.kind && previous.kind === part.kind && !(previous.buttons && previous.buttons.length) &&
      lastNode && lastNode.parentNode === entry.__node && (part.text || part.link)
        ? lastNode
        : null;
    var nodes = renderPart(part, entry, live, merge);
    nodes.forEach(function (n) {
      entry.__node.appendChild(n);
      if (n.classList.contains("osw-msg")) entry.__lastBubble = n;
    });
    if (part.feedback && (nodes.length || merge)) entry.__fbAnchor = nodes.length ? nodes[nodes.length - 1] : merge;
  }

  function renderBotGroup(entry) {
    var group = el("div", { className: "osw-answer" });
    entry.__node = group;
    entry.__fbAnchor = null;
    entry.__lastBubble = null;
    entry.parts.forEach(function (part) {
      appendPart(entry, part, false);
    });
    placeFeedback(entry);
    return group;
  }

  function renderEntry(entry) {
    return entry.t === "user" ? renderUser(entry) : renderBotGroup(entry);
  }

  function renderAll() {
    while (log.lastChild && log.lastChild !== notes) log.removeChild(log.lastChild);
    log.appendChild(el("div", { className: "osw-msg osw-msg-bot osw-intro" }, [srOnly(TEXT.bot), TEXT.intro]));
    var lastGroup = null;
    state.transcript.forEach(function (entry) {
      var node = renderEntry(entry);
      entry.__node = node;
      log.appendChild(node);
      if (entry.t === "bot") lastGroup = node;
    });
    var lastEntry = state.transcript[state.transcript.length - 1];
    if (lastEntry && lastEntry.t === "bot") scrollToAnswer(lastGroup);
    else if (lastEntry) scrollToEnd();
    else scrollLogTo(0);
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

  /** opsw.documents of our channels: [{title, format, path}] (channels/documents.py); the path is on the server. */
  function normaliseDocs(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(function (d) {
        return d && typeof d.title === "string" && typeof d.path === "string" && /^\/[\w\/.-]+$/.test(d.path);
      })
      .map(function (d) {
        return {
          title: d.title,
          format: /^(docx|pdf|ics|html)$/.test(d.format) ? d.format : "file",
          href: safeHttpUrl(config.server + d.path),
        };
      })
      .filter(function (d) {
        return !!d.href;
      });
  }

  function attachmentUrl(attachment) {
    if (!attachment) return null;
    if (typeof attachment === "string") return safeHttpUrl(attachment);
    var payload = attachment.payload || {};
    return safeHttpUrl(payload.src || payload.url || attachment.url || "");
  }

  /**
   * Rasa socket.io payloads: {text}, {text, quick_replies:[{title,payload}]}, {attachment}, custom;
   * our channel adds opsw: {kind, feedback}. A part without opsw continues the message before it
   * in the same answer (Rasa splits a text on blank lines into several events).
   */
  function normaliseBotMessage(msg, previous) {
    if (typeof msg === "string") msg = { text: msg };
    if (!msg || typeof msg !== "object") return null;
    var part = {};
    if (typeof msg.text === "string" && msg.text.trim()) part.text = msg.text;
    var buttons = normaliseButtons(msg.quick_replies).concat(normaliseButtons(msg.buttons));
    if (buttons.length) part.buttons = buttons;
    var url = attachmentUrl(msg.attachment);
    if (url) part.link = url;
    if (!part.text && !part.buttons && !part.link) return null; // unknown custom payload: not shown
    var opsw = msg.opsw && typeof msg.opsw === "object" ? msg.opsw : null;
    if (opsw) {
      var docs = normaliseDocs(opsw.documents);
      if (docs.length) {
        part.docs = docs;
        if (typeof opsw.documents_note === "string") part.docsNote = opsw.documents_note;
      }
      if (KINDS.indexOf(opsw.kind) >= 0) part.kind = opsw.kind;
      // never on crisis messages or questions, whatever the server says
      part.feedback = opsw.feedback === true && !ALARM[part.kind] && part.kind !== "question";
    } else if (previous) {
      if (previous.kind) part.kind = previous.kind;
      part.feedback = !!previous.feedback;
    }
    return part;
  }

  function scheduleFeedback(entry) {
    clearTimeout(entry.__feedbackTimer);
    // Added shortly after the last part, so screen readers read the answer before the controls.
    entry.__feedbackTimer = setTimeout(function () {
      placeFeedback(entry);
    }, 400);
  }

  function countAnswers() {
    return state.transcript.filter(function (e) {
      return e.t === "bot";
    }).length;
  }

  /** A short text reply to a feedback message goes into that answer's status line. */
  function takeFeedbackReply(part) {
    var waiter = state.feedbackReplies.shift();
    if (!waiter) return false;
    var plain = part.text && !part.link && !(part.buttons && part.buttons.length);
    if (!plain || (part.kind && part.kind !== "notice" && part.kind !== "info")) return false;
    waiter.replied = true;
    waiter.thanks.textContent = part.text.replace(/\*\*|(^|\s)_|_($|\s)/g, "$1$2").trim();
    return true;
  }

  /**
   * The server confirms "verwijder mijn gesprek" (channels/guard.py: ERASED_TEXT, opsw kind
   * "info"; a future opsw.erased: true is read too). Not on an error: a failed erase keeps the chat.
   */
  var ERASED = /^\s*Uw gesprek is verwijderd\./;

  function isEraseConfirmation(msg, part) {
    var opsw = msg && typeof msg === "object" && msg.opsw && typeof msg.opsw === "object" ? msg.opsw : null;
    if (opsw && opsw.erased === true) return true;
    return part.kind !== "error" && typeof part.text === "string" && ERASED.test(part.text);
  }

  /** After an erase: nothing of the conversation stays on screen or in sessionStorage. */
  function forgetLocally() {
    var focusInLog = log.contains(document.activeElement);
    hideTyping();
    state.transcript.forEach(function (entry) {
      clearTimeout(entry.__feedbackTimer);
    });
    state.transcript = [];
    state.feedbackReplies = [];
    saveTranscript();
    // keep the intro (not announced again by the live region), remove everything after it
    while (log.lastChild && !(log.lastChild.classList && log.lastChild.classList.contains("osw-intro"))) {
      log.removeChild(log.lastChild);
    }
    if (focusInLog) log.focus({ preventScroll: true });
  }

  function onBotUttered(msg) {
    var last = state.transcript[state.transcript.length - 1];
    var current = last && last.t === "bot" && !state.newGroup ? last : null;
    var part = normaliseBotMessage(msg, current ? current.parts[current.parts.length - 1] : null);
    if (!part) return;
    if (isEraseConfirmation(msg, part)) {
      forgetLocally();
      current = null; // the confirmation is the only message left
    } else if (!current && state.feedbackReplies.length && takeFeedbackReply(part)) {
      return;
    }
    hideTyping();
    if (!current) {
      current = { t: "bot", parts: [], fb: null, n: countAnswers() + 1 };
      state.newGroup = false;
      current.__node = el("div", { className: "osw-answer" });
      state.transcript.push(current);
      log.appendChild(current.__node);
    }
    current.parts.push(part);
    appendPart(current, part, true);
    var feedbackNode = current.__node.querySelector(".osw-feedback");
    if (feedbackNode && current.__fbAnchor && current.__fbAnchor.nextSibling !== feedbackNode) {
      placeFeedback(current);
    }
    saveTranscript();
    scrollToAnswer(current.__node);
    if (part.feedback) scheduleFeedback(current);
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
  function sendUserMessage(message, shownText, fromEntry) {
    closeChoices(fromEntry, shownText);
    var entry = { t: "user", text: shownText };
    state.transcript.push(entry);
    entry.__node = renderUser(entry);
    log.appendChild(entry.__node);
    saveTranscript();
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
    if (fromEntry) {
      // The clicked button is disabled now. Focus goes to the new message in the log (the live
      // region announces the answer when it comes), not to the message box: on a phone that would
      // open the keyboard after every tap. Tab goes on to the buttons of the answer.
      entry.__node.setAttribute("tabindex", "-1");
      entry.__node.focus({ preventScroll: true });
    }
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
    if (canSend()) {
      emit(item);
      return true;
    }
    state.queue.push(item);
    connect();
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Message box: grows with the text (up to 40 % of the screen), Enter sends, Shift+Enter is a
  // new line, at most MAX_CHARS characters (never cut: sending is blocked and the chat says why)
  // ---------------------------------------------------------------------------------------------
  var wasOver = false;

  function autosize() {
    if (!input.offsetParent) return; // hidden: measured again when the chat opens
    input.style.height = "auto";
    // the CSS max-height (40vh; less on short screens), else 40 % of the window
    var cssMax = parseFloat(window.getComputedStyle(input).maxHeight);
    var max = Math.max(44, Math.round(cssMax > 0 ? cssMax : window.innerHeight * 0.4));
    var border = input.offsetHeight - input.clientHeight;
    var wanted = input.scrollHeight + border;
    var height = Math.min(wanted, max);
    input.style.height = height + "px";
    // never taller than the panel allows: the counter, the warning and the buttons under the box
    // stay in view (the log keeps its minimum height)
    var over = dialog.scrollHeight - dialog.clientHeight;
    if (over > 0 && height > 44) {
      height = Math.max(44, height - over);
      input.style.height = height + "px";
    }
    input.style.overflowY = wanted > height ? "auto" : "hidden";
  }

  function updateCounter() {
    var n = countChars(input.value.trim());
    var over = n > MAX_CHARS;
    counter.textContent = TEXT.count(n);
    counter.classList.toggle("osw-over", over);
    input.setAttribute("aria-invalid", over ? "true" : "false");
    if (over && !wasOver) limitNote.textContent = TEXT.tooLong(n);
    if (!over) limitNote.textContent = "";
    wasOver = over;
    return n;
  }

  input.addEventListener("input", function () {
    updateCounter(); // first: the warning it may show takes room that the box then leaves free
    autosize();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else sendButton.click();
    }
  });
  window.addEventListener("resize", autosize);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    var n = updateCounter();
    if (n > MAX_CHARS) {
      // said again, also when the note was already there
      limitNote.textContent = "";
      limitNote.textContent = TEXT.tooLong(n);
      input.focus();
      return;
    }
    input.value = "";
    autosize();
    updateCounter();
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
      // WebSocket first, long-polling as a fallback when WebSocket is blocked. The server
      // (channels/socketio.py) lets socket.io in only from the origins of OPSW_CORS_ORIGINS: any other
      // Origin gets HTTP 400 on both transports, so a site that embeds this widget must be listed there
      // (long-polling also reads the CORS headers `rasa run --cors` adds for those origins). A session id
      // belongs to one connection at a time: a second tab with it waits (a "notice" answer) and gets its
      // session_confirm only when the first connection is gone.
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
    autosize();
    var lastEntry = state.transcript[state.transcript.length - 1];
    if (lastEntry && lastEntry.t === "bot") scrollToAnswer(lastEntry.__node);
    else if (lastEntry) scrollToEnd();
    else scrollLogTo(0); // nothing said yet: the privacy and help lines and the intro from the top
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

  function showConfirm(show) {
    confirmBox.hidden = !show;
    newChatButton.hidden = show;
    newChatButton.setAttribute("aria-expanded", show ? "true" : "false");
    autosize(); // the question takes room: a tall message box gives it back
  }

  newChatButton.addEventListener("click", function () {
    showConfirm(true);
    confirmNo.focus(); // the safe answer first; a second tap on the same spot does not erase
  });
  confirmNo.addEventListener("click", function () {
    showConfirm(false);
    newChatButton.focus();
  });
  confirmBox.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation(); // Escape here only cancels the question, it does not close the chat
      showConfirm(false);
      newChatButton.focus();
    }
  });

  confirmYes.addEventListener("click", function () {
    showConfirm(false);
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
    placeNotes();
    if (shortScreen) {
      if (typeof shortScreen.addEventListener === "function") shortScreen.addEventListener("change", placeNotes);
      else if (typeof shortScreen.addListener === "function") shortScreen.addListener(placeNotes);
    }
    renderAll();
    updateCounter();
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
    /** The message-text parser on its own (docs/markdown.md): a text → a new, detached <div class="osw-p">. */
    renderText: function (text, crisis) {
      var node = el("div", { className: "osw-p" });
      renderRichText(node, text, !!crisis);
      return node;
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
