/*
 * Porting help chat widget: one dependency-free script a website embeds with
 *   <script src=".../widget.js" data-server="https://rasa.example" data-title="Porting help"
 *           data-primary-color="#5b2a86" data-token="(optional customer JWT)" defer></script>
 * It talks to Rasa's REST channel and exposes window.PortingChat {open, close, send, reset}.
 *
 * Everything that came from the user or the bot is put on the page with textContent or as
 * attribute values checked here; innerHTML is never used, so no message can inject markup.
 *
 * Documents: a link the assistant sends to sign a letter of authorization (…/loa/<token>) gets
 * a "Review and sign" button that opens the signing page in a sheet over the chat; a link to
 * upload a bill (…/upload/<token>) arms the paper-clip button, which sends the chosen file there.
 */
(function () {
  "use strict";

  if (window.PortingChat) {
    return; // embedded twice: the first copy already owns the page
  }

  var HISTORY_LIMIT = 200;
  var REQUEST_TIMEOUT_MS = 30000;
  var ERROR_TEXT = "Sorry, I couldn't reach the assistant.";
  var SVG_NS = "http://www.w3.org/2000/svg";
  // http(s) URLs, or bare e-mail addresses. javascript:, data: and friends never match.
  var LINK_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
  // The document pages' links (bot/core/documents/links.py): /loa/<token> and /upload/<token>.
  var DOCUMENT_LINK = /\/(loa|upload)\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  var DOCUMENT_LINK_NAMES = { loa: "open the letter of authorization", upload: "open the upload page" };
  var MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
  var UPLOAD_TYPES = "application/pdf,image/png,image/jpeg";

  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  if (!script) {
    console.error("PortingChat: cannot find its own <script> tag; load widget.js with a src attribute.");
    return;
  }

  var config = {
    server: (script.getAttribute("data-server") || "").replace(/\/+$/, ""),
    title: script.getAttribute("data-title") || "Chat with us",
    greeting: script.getAttribute("data-greeting") ||
      "Hi! Tell me why your number transfer was rejected, or paste the rejection notice.",
    primaryColor: script.getAttribute("data-primary-color") || "",
    token: script.getAttribute("data-token") || ""
  };
  if (!/^https?:\/\/[^/]/.test(config.server)) {
    console.error('PortingChat: data-server must be the Rasa server address, e.g. data-server="https://rasa.example.com"; got "' +
      config.server + '". The chat is disabled.');
    return;
  }

  var storageKey = "porting-chat:" + config.server;

  // ---- persisted state ---------------------------------------------------------------

  function newSenderId() {
    if (window.crypto && crypto.randomUUID) {
      return "web-" + crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function loadState() {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.senderId === "string" && Array.isArray(saved.messages)) {
        return {
          senderId: saved.senderId,
          open: saved.open === true,
          messages: saved.messages,
          uploadUrl: typeof saved.uploadUrl === "string" ? saved.uploadUrl : ""
        };
      }
    } catch (error) {
      // Storage blocked or corrupt: start a fresh conversation rather than break the page.
    }
    return { senderId: newSenderId(), open: false, messages: [], uploadUrl: "" };
  }

  var state = loadState();

  function saveState() {
    state.messages = state.messages.slice(-HISTORY_LIMIT);
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (error) {
      // Private mode or full storage: the chat still works, it just won't survive a reload.
    }
  }

  // ---- small DOM helpers ----------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function icon(pathData) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathData);
    svg.appendChild(path);
    return svg;
  }

  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    restart: "M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4",
    attach: "M16.5 6.5l-8 8a2 2 0 0 0 2.8 2.8l8.5-8.5a4 4 0 0 0-5.7-5.7L5.6 11.6a6 6 0 0 0 8.5 8.5L21 13.2",
    send: "M4 12l16-8-6 16-2.5-6.5z"
  };

  function safeHttpUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function linkNode(href, label) {
    var link = el("a", "pc-link", label);
    link.href = href;
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    return link;
  }

  /* Bot text as text nodes, with URLs and e-mail addresses turned into links. Line breaks
   * are kept by `white-space: pre-wrap` in the stylesheet. */
  /* "loa" or "upload" for a link to one of the document pages, else null. */
  function documentLink(href) {
    var found = DOCUMENT_LINK.exec(new URL(href).pathname);
    return found ? found[1] : null;
  }

  function appendLinkedText(parent, text) {
    var last = 0;
    var match;
    LINK_PATTERN.lastIndex = 0;
    while ((match = LINK_PATTERN.exec(text)) !== null) {
      var label = match[0];
      var href;
      if (/^https?:/i.test(label)) {
        // Sentence punctuation after a URL is not part of it ("see https://x.com.").
        label = label.replace(/[.,;:!?'")\]]+$/, "");
        href = safeHttpUrl(label);
      } else {
        href = "mailto:" + label;
      }
      if (href) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        // a document link's token is long and means nothing to a reader: it gets a name
        var kind = /^https?:/i.test(label) ? documentLink(href) : null;
        parent.appendChild(linkNode(href, kind ? DOCUMENT_LINK_NAMES[kind] : label));
        last = match.index + label.length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- the widget's DOM ---------------------------------------------------------------

  /* Adds widget.css (from the script's own origin) and calls `done` once it applied, so
   * the widget never flashes unstyled and scroll positions are measured on the final layout. */
  function loadStylesheet(done) {
    var href = new URL("widget.css", script.src).href;
    if (document.querySelector('link[href="' + CSS.escape(href) + '"]')) {
      done();
      return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", done);
    link.addEventListener("error", function () {
      console.error("PortingChat: could not load " + href + "; the chat is shown unstyled.");
      done();
    });
    document.head.appendChild(link);
  }

  var root = el("div", "pc-root");
  root.id = "porting-chat";
  if (config.primaryColor && window.CSS && CSS.supports("color", config.primaryColor)) {
    root.style.setProperty("--pc-primary", config.primaryColor);
  }

  var launcher = el("button", "pc-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-controls", "porting-chat-panel");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-label", "Open chat: " + config.title);
  launcher.appendChild(icon(ICONS.chat));
  launcher.lastChild.classList.add("pc-icon-chat");
  launcher.appendChild(icon(ICONS.close));
  launcher.lastChild.classList.add("pc-icon-close");

  var panel = el("section", "pc-panel");
  panel.id = "porting-chat-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "porting-chat-title");
  panel.addEventListener("animationend", function (event) {
    if (event.target === panel) {
      panel.classList.remove("pc-pop");
    }
  });

  var header = el("header", "pc-header");
  var titleBox = el("div", "pc-title-box");
  var title = el("h2", "pc-title", config.title);
  title.id = "porting-chat-title";
  titleBox.appendChild(title);
  titleBox.appendChild(el("p", "pc-subtitle", "Automated assistant"));
  header.appendChild(titleBox);

  function headerButton(className, label, iconPath) {
    var button = el("button", "pc-header-button " + className);
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.appendChild(icon(iconPath));
    header.appendChild(button);
    return button;
  }
  var restartButton = headerButton("pc-restart", "Start over", ICONS.restart);
  var closeButton = headerButton("pc-close", "Close chat", ICONS.close);

  var log = el("div", "pc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0; // scrollable region: keyboard users must be able to scroll it

  var intro = el("p", "pc-intro", config.greeting);

  var typing = el("div", "pc-typing");
  typing.hidden = true;
  typing.setAttribute("role", "status");
  typing.appendChild(el("span", "pc-visually-hidden", "The assistant is typing"));
  for (var dot = 0; dot < 3; dot++) {
    typing.appendChild(el("span", "pc-dot"));
  }

  var form = el("form", "pc-form");
  var inputId = "porting-chat-input";
  var inputLabel = el("label", "pc-visually-hidden", "Your message");
  inputLabel.htmlFor = inputId;
  var input = el("input", "pc-input");
  input.id = inputId;
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 2000;
  input.placeholder = "Type your message…";
  var sendButton = el("button", "pc-send");
  sendButton.type = "submit";
  sendButton.setAttribute("aria-label", "Send message");
  sendButton.appendChild(icon(ICONS.send));
  // The paper clip: a bill for the fix, once the assistant asked for one (state.uploadUrl).
  var attachButton = el("button", "pc-attach");
  attachButton.type = "button";
  attachButton.setAttribute("aria-label", "Attach a bill (PDF, PNG or JPEG, up to 10 MB)");
  attachButton.title = "Attach a bill";
  attachButton.appendChild(icon(ICONS.attach));
  var fileInput = el("input", "pc-file");
  fileInput.type = "file";
  fileInput.accept = UPLOAD_TYPES;
  fileInput.hidden = true;
  fileInput.tabIndex = -1;
  form.appendChild(attachButton);
  form.appendChild(fileInput);
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);

  // The signing page of a letter of authorization, over the conversation.
  var sheet = el("div", "pc-sheet");
  sheet.hidden = true;
  sheet.setAttribute("role", "dialog");
  sheet.setAttribute("aria-label", "Sign the letter of authorization");
  var sheetBar = el("div", "pc-sheet-bar");
  sheetBar.appendChild(el("span", "pc-sheet-title", "Letter of authorization"));
  var sheetClose = el("button", "pc-sheet-close", "Back to the chat");
  sheetClose.type = "button";
  sheetBar.appendChild(sheetClose);
  var sheetFrame = el("iframe", "pc-sheet-frame");
  sheetFrame.title = "Sign the letter of authorization";
  sheet.appendChild(sheetBar);
  sheet.appendChild(sheetFrame);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  panel.appendChild(sheet);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering messages -------------------------------------------------------------

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderButtons(record, bubbleRow) {
    var group = el("div", "pc-quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    record.buttons.forEach(function (choice) {
      var button = el("button", "pc-quick-reply", String(choice.title));
      button.type = "button";
      button.disabled = record.used === true;
      button.addEventListener("click", function () {
        if (record.used) {
          return;
        }
        say(String(choice.title), String(choice.payload));
        input.focus();
      });
      group.appendChild(button);
    });
    bubbleRow.appendChild(group);
  }

  /* Under a bot message that links to a document page: the way to act on it in the widget. */
  function renderDocumentActions(record, row) {
    var links = (record.text || "").match(LINK_PATTERN) || [];
    links.forEach(function (candidate) {
      var href = safeHttpUrl(candidate.replace(/[.,;:!?'")\]]+$/, ""));
      if (href && documentLink(href) === "loa") {
        var sign = el("button", "pc-doc-action", "Review and sign the letter");
        sign.type = "button";
        sign.addEventListener("click", function () {
          openSheet(href);
        });
        row.appendChild(sign);
      }
    });
  }

  function renderRecord(record) {
    var row = el("div", "pc-row pc-row--" + record.from);
    row.setAttribute("data-from", record.from);
    var bubble = el("div", "pc-bubble");
    row.appendChild(bubble);
    if (record.kind === "error") {
      row.classList.add("pc-row--error");
      bubble.textContent = ERROR_TEXT + " ";
      var retry = el("button", "pc-retry", "Retry");
      retry.type = "button";
      retry.addEventListener("click", function () {
        removeRecord(record, row);
        input.focus(); // the focused Retry button is gone; keep keyboard users in the panel
        deliver(record.retry);
      });
      bubble.appendChild(retry);
    } else {
      if (record.from === "bot") {
        appendLinkedText(bubble, record.text || "");
      } else {
        bubble.textContent = record.text;
      }
      if (record.image) {
        var image = el("img", "pc-image");
        image.alt = "Image from the assistant";
        image.src = record.image;
        bubble.appendChild(image);
      }
      if (!record.text && !record.image) {
        bubble.remove();
      }
    }
    if (record.buttons && record.buttons.length) {
      renderButtons(record, row);
    }
    if (record.from === "bot") {
      renderDocumentActions(record, row);
    }
    log.appendChild(row);
    intro.hidden = true;
    scrollToEnd();
  }

  function addRecord(record) {
    state.messages.push(record);
    saveState();
    renderRecord(record);
  }

  function removeRecord(record, row) {
    state.messages = state.messages.filter(function (r) { return r !== record; });
    saveState();
    row.remove();
  }

  function botRecord(reply) {
    var record = { from: "bot", text: typeof reply.text === "string" ? reply.text : "" };
    if (Array.isArray(reply.buttons)) {
      record.buttons = reply.buttons.filter(function (b) {
        return b && b.title !== undefined && b.payload !== undefined;
      }).map(function (b) {
        return { title: String(b.title), payload: String(b.payload) };
      });
    }
    ((record.text.match(LINK_PATTERN) || [])).forEach(function (candidate) {
      var href = safeHttpUrl(candidate.replace(/[.,;:!?'")\]]+$/, ""));
      if (href && documentLink(href) === "upload") {
        state.uploadUrl = href; // the paper clip now sends files for this order
      }
    });
    var image = typeof reply.image === "string" ? safeHttpUrl(reply.image) : null;
    if (image) {
      record.image = image;
    }
    return record.text || image || (record.buttons && record.buttons.length) ? record : null;
  }

  function renderAll() {
    Array.prototype.slice.call(log.querySelectorAll(".pc-row")).forEach(function (row) {
      row.remove();
    });
    intro.hidden = false;
    state.messages.forEach(renderRecord);
  }

  // ---- talking to Rasa ----------------------------------------------------------------

  // Sends go one after another so Rasa sees (and answers) messages in the order typed.
  var queue = Promise.resolve();
  var pending = 0;
  // Bumped by reset(): replies to a conversation that was started over are dropped.
  var generation = 0;

  function setTyping(on) {
    pending += on ? 1 : -1;
    typing.hidden = pending === 0;
    if (!typing.hidden) {
      scrollToEnd();
    }
  }

  function postMessage(message) {
    var body = { sender: state.senderId, message: message };
    if (config.token) {
      body.metadata = { customer_token: config.token };
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(config.server + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("Rasa answered HTTP " + response.status);
      }
      return response.json();
    }).then(function (replies) {
      if (!Array.isArray(replies)) {
        throw new Error("Rasa's answer is not a list of messages");
      }
      return replies;
    }).finally(function () {
      clearTimeout(timer);
    });
  }

  function deliver(message) {
    var myGeneration = generation;
    setTyping(true);
    queue = queue.then(function () {
      if (myGeneration !== generation) {
        return null;
      }
      // catch() after then(): a reply we fail to render also gets the retry message, and
      // the queue never stays rejected, which would silently drop every later message.
      return postMessage(message).then(function (replies) {
        if (myGeneration === generation) {
          replies.map(botRecord).filter(Boolean).forEach(addRecord);
        }
      }).catch(function (error) {
        console.warn("PortingChat: message not delivered:", error);
        if (myGeneration === generation) {
          addRecord({ from: "bot", kind: "error", retry: message });
        }
      });
    }).finally(function () {
      if (myGeneration === generation) {
        setTyping(false);
      }
    });
    return queue;
  }

  /* Once the customer has answered, earlier choices are out of date: one answer per question. */
  function spendButtons() {
    state.messages.forEach(function (record) {
      if (record.buttons) {
        record.used = true;
      }
    });
    Array.prototype.forEach.call(log.querySelectorAll(".pc-quick-reply"), function (b) {
      b.disabled = true;
    });
  }

  // ---- documents: signing the letter, uploading a bill ---------------------------------

  function openSheet(href) {
    sheetFrame.src = href;
    sheet.hidden = false;
    sheetClose.focus();
  }

  function closeSheet() {
    sheet.hidden = true;
    sheetFrame.removeAttribute("src");
    input.focus();
  }

  // The signing page says it was signed: back to the chat, which reports where the order stands.
  window.addEventListener("message", function (event) {
    if (event.source === sheetFrame.contentWindow && event.data && event.data.type === "porting-loa-signed") {
      closeSheet();
      deliver("/ask_status");
    }
  });

  function uploadFile(file) {
    addRecord({ from: "user", text: "Attached: " + file.name });
    if (file.size > MAX_UPLOAD_BYTES) {
      addRecord({ from: "bot", text: "That file is over 10 MB. A photo or a PDF of the bill's first page is enough." });
      return Promise.resolve();
    }
    setTyping(true);
    return fetch(state.uploadUrl, {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream" },
      body: file
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      addRecord({ from: "bot", text: String(answer.message || answer.error || "The upload failed. Please try again.") });
    }).catch(function (error) {
      console.warn("PortingChat: upload failed:", error);
      addRecord({ from: "bot", text: "The upload failed: I couldn't reach the server. Please try again." });
    }).finally(function () {
      setTyping(false);
      fileInput.value = "";
    });
  }

  /* Show `shown` as the user's message and send `payload` (a button's payload) or the text. */
  function say(shown, payload) {
    spendButtons();
    addRecord({ from: "user", text: shown });
    return deliver(payload === undefined ? shown : payload);
  }

  // ---- open, close, start over --------------------------------------------------------

  function setOpen(open, moveFocus) {
    panel.hidden = !open;
    root.classList.toggle("pc-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", (open ? "Close chat: " : "Open chat: ") + config.title);
    if (state.open !== open) {
      state.open = open;
      saveState();
    }
    if (open) {
      scrollToEnd();
    }
    if (moveFocus) {
      (open ? input : launcher).focus();
    }
  }

  function open() {
    panel.classList.add("pc-pop"); // animate only when the user opens it, not on page load
    setOpen(true, true);
  }

  function close() {
    setOpen(false, true);
  }

  function reset() {
    generation += 1;
    queue = Promise.resolve();
    pending = 0;
    typing.hidden = true;
    state = { senderId: newSenderId(), open: state.open, messages: [], uploadUrl: "" };
    saveState();
    renderAll();
  }

  function send(text) {
    var message = String(text === undefined ? "" : text).trim();
    if (!message) {
      return Promise.resolve();
    }
    return say(message);
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  closeButton.addEventListener("click", close);
  sheetClose.addEventListener("click", closeSheet);
  attachButton.addEventListener("click", function () {
    if (!state.uploadUrl) {
      addRecord({
        from: "bot",
        text: "I'll ask for a bill when your fix needs one; then this button sends it to your order."
      });
      return;
    }
    fileInput.click();
  });
  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) {
      uploadFile(fileInput.files[0]);
    }
  });
  restartButton.addEventListener("click", function () {
    reset();
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !sheet.hidden) {
      event.preventDefault();
      closeSheet();
    } else if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  // Another tab of the same site chatted or started over: show the same conversation here
  // (each tab keeps its own open/closed panel).
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey) {
      var wasOpen = state.open;
      state = loadState();
      state.open = wasOpen;
      renderAll();
    }
  });

  function mount() {
    log.appendChild(intro);
    root.hidden = true;
    document.body.appendChild(root);
    renderAll();
    setOpen(state.open, false);
    loadStylesheet(function () {
      root.hidden = false;
      scrollToEnd();
    });
  }

  window.PortingChat = { open: open, close: close, send: send, reset: reset };

  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
