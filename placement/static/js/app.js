/*
 * Placement – small progressive enhancements. Plain ES2020, no libraries, loaded with `defer`.
 *
 * The strict CSP (script-src 'self') forbids inline handlers, so everything is wired up here.
 * Every page works without this file; each feature only starts when its markup is on the page:
 *
 *   - live search:        form input[data-live-search][aria-controls]
 *   - occupation picker:  .occupation-picker[data-suggest-url] with #occupation-search and #occupation-suggestions
 *   - confirmation:       form[data-confirm="message"] (or a submit button with data-confirm)
 *   - compare two:        form[data-compare] with checkboxes name="job" (at most two ticked)
 *   - print:              button[data-print] (hidden until this file shows it) opens the browser's print
 *   - server validation:  every form gets novalidate, so the server's messages (in the user's language) are shown
 *                         instead of the browser's bubbles; focus moves to the error summary after a failed submit
 *   - phone menu:         .site-header nav collapses behind a "Menu" button under 600 px
 *   - stacked tables:     table.table cells get data-label from their column heading (cards on phones, CSS)
 *   - postcode → town:    form[data-postcodes="url"]: a 4-digit postcode names its town while one types (fills an
 *                         empty "town" field of the form, else shows the town beside the postcode)
 *
 * Data from the server is only ever written with textContent, never innerHTML.
 */
(() => {
  "use strict";

  const DEBOUNCE_MS = 200;
  const MIN_CHARS = 2;

  const TEXTS = {
    da: {
      liveCount: (n) => `${n} ${n === 1 ? "resultat" : "resultater"}. Brug pil ned og pil op for at vælge, og Enter for at åbne.`,
      liveNone: "Ingen resultater.",
      liveFailed: "Forslagene kan ikke hentes lige nu. Tryk på Søg.",
      suggestCount: (n) => `${n} forslag. Tryk pil ned for at vælge.`,
      suggestNone: "Ingen stillingsbetegnelser passer. Prøv et andet ord.",
      suggestFailed: "Forslagene kan ikke hentes lige nu.",
      chosen: (label) => `Valgt: ${label}.`,
      cleared: "Stillingsbetegnelsen er fjernet.",
      compareNone: "Sæt flueben ved to forslag for at sammenligne dem.",
      compareOne: "1 forslag valgt. Vælg ét mere.",
      compareTwo: "2 forslag valgt. Fjern et flueben for at vælge et andet.",
    },
    en: {
      liveCount: (n) => `${n} ${n === 1 ? "result" : "results"}. Use the down and up arrows to choose, and Enter to open.`,
      liveNone: "No results.",
      liveFailed: "Suggestions cannot be fetched right now. Press Search.",
      suggestCount: (n) => `${n} ${n === 1 ? "suggestion" : "suggestions"}. Press the down arrow to choose.`,
      suggestNone: "No occupation matches. Try another word.",
      suggestFailed: "Suggestions cannot be fetched right now.",
      chosen: (label) => `Chosen: ${label}.`,
      cleared: "The occupation has been removed.",
      compareNone: "Tick two suggestions to compare them.",
      compareOne: "1 suggestion chosen. Choose one more.",
      compareTwo: "2 suggestions chosen. Untick one to choose another.",
    },
  };
  const lang = (document.documentElement.lang || "da").slice(0, 2).toLowerCase();
  const t = TEXTS[lang] || TEXTS.da;

  let uid = 0;

  /* ---------- helpers ---------- */

  function debounce(fn, ms) {
    let timer = 0;
    const debounced = (...args) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => fn(...args), ms);
    };
    debounced.cancel = () => window.clearTimeout(timer);
    return debounced;
  }

  /** A visually hidden live region for short screen-reader messages. */
  function makeStatus(container) {
    const region = document.createElement("span");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    container.appendChild(region);
    let timer = 0;
    return (message) => {
      window.clearTimeout(timer);
      region.textContent = "";
      if (message) {
        // A short pause makes screen readers announce a repeated message again.
        timer = window.setTimeout(() => { region.textContent = message; }, 120);
      }
    };
  }

  /** Only follow http(s) links (never javascript: or data: URLs from a response). */
  function safeUrl(value) {
    try {
      const url = new URL(String(value), window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function ensureId(element, prefix) {
    if (!element.id) {
      uid += 1;
      element.id = `${prefix}-${uid}`;
    }
    return element.id;
  }

  async function fetchJson(url, options, isCurrent) {
    const response = await fetch(url, { credentials: "same-origin", ...options });
    if (!isCurrent()) return null;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    if (!isCurrent()) return null;
    return data && Array.isArray(data.results) ? data.results : [];
  }

  /* ---------- live search (combobox with a listbox of links) ---------- */

  function initLiveSearch(input) {
    const form = input.closest("form");
    const url = input.dataset.liveSearch;
    const box = document.getElementById(input.getAttribute("aria-controls") || "");
    if (!form || !url || !box) return;

    const tokenField = form.querySelector('input[name="csrf_token"]');
    const csrfToken = tokenField ? tokenField.value : "";
    const announce = makeStatus(form);

    // The results are announced through the status region; a live listbox would read every option.
    box.removeAttribute("aria-live");
    box.setAttribute("role", "listbox");
    box.hidden = true;
    const label = input.labels && input.labels[0];
    if (label) box.setAttribute("aria-labelledby", ensureId(label, "live-label"));
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");

    let counter = 0;
    let options = [];
    let active = -1;

    function setActive(index) {
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      box.replaceChildren();
      box.hidden = true;
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function render(results) {
      close();
      if (results.length === 0) {
        // Shown for sighted users; screen readers hear it from the status region.
        const empty = document.createElement("p");
        empty.className = "empty";
        empty.setAttribute("aria-hidden", "true");
        empty.textContent = t.liveNone;
        box.appendChild(empty);
        box.hidden = false;
        announce(t.liveNone);
        return;
      }
      const list = document.createElement("ul");
      list.setAttribute("role", "none");
      results.forEach((result, index) => {
        const href = safeUrl(result.url);
        if (!href) return;
        const item = document.createElement("li");
        item.setAttribute("role", "none");
        const link = document.createElement("a");
        link.href = href;
        link.id = `${box.id}-option-${index}`;
        link.setAttribute("role", "option");
        link.setAttribute("aria-selected", "false");
        link.tabIndex = -1;
        if (result.kind) link.dataset.kind = String(result.kind);
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = String(result.kind_label ?? result.kind ?? "");
        link.append(tag, document.createTextNode(` ${String(result.title ?? "")}`));
        if (result.context) {
          const context = document.createElement("span");
          context.className = "context";
          context.textContent = ` · ${String(result.context)}`;
          link.appendChild(context);
        }
        item.appendChild(link);
        list.appendChild(item);
        options.push(link);
      });
      box.appendChild(list);
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      announce(t.liveCount(options.length));
    }

    async function search(query) {
      counter += 1;
      const request = counter;
      const body = new FormData();
      body.append("q", query);
      if (csrfToken) body.append("csrf_token", csrfToken);
      const headers = { Accept: "application/json" };
      if (csrfToken) headers["X-CSRFToken"] = csrfToken;
      try {
        const results = await fetchJson(url, { method: "POST", body, headers }, () => request === counter);
        if (results !== null && request === counter) render(results);
      } catch {
        if (request === counter) {
          close();
          announce(t.liveFailed);
        }
      }
    }

    const debouncedSearch = debounce(search, DEBOUNCE_MS);

    function reset() {
      counter += 1; // any answer still on its way is now stale
      debouncedSearch.cancel();
      close();
    }

    input.addEventListener("input", () => {
      const query = input.value.trim();
      if (query.length < MIN_CHARS) {
        reset();
        announce("");
        return;
      }
      debouncedSearch(query);
    });

    input.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
          if (options.length) {
            event.preventDefault();
            setActive(active + 1 >= options.length ? 0 : active + 1);
          }
          break;
        case "ArrowUp":
          if (options.length) {
            event.preventDefault();
            setActive(active <= 0 ? options.length - 1 : active - 1);
          }
          break;
        case "Enter":
          if (active >= 0 && options[active]) {
            event.preventDefault();
            const href = options[active].href;
            reset();
            window.location.assign(href);
          }
          // Otherwise the form is submitted as usual.
          break;
        case "Escape":
          if (!box.hidden) {
            event.preventDefault();
            reset();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            reset();
          }
          announce("");
          break;
        default:
          break;
      }
    });

    // A full search replaces the suggestions.
    form.addEventListener("submit", () => reset());

    // Close when focus or a click goes elsewhere.
    form.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) reset();
    });
    document.addEventListener("click", (event) => {
      if (!box.hidden && !form.contains(event.target)) reset();
    });
    // Coming back with the browser's back button must not show an old list.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) reset();
    });
  }

  /* ---------- occupation picker (list of suggestion buttons) ---------- */

  function initOccupationPicker(picker) {
    const url = picker.dataset.suggestUrl;
    const input = picker.querySelector("#occupation-search");
    const list = picker.querySelector("#occupation-suggestions");
    const form = picker.closest("form");
    const target = (form || document).querySelector('input[name="occupation_id"]');
    if (!url || !input || !list || !target) return;

    const announce = makeStatus(picker);
    list.removeAttribute("aria-live");
    list.hidden = true;

    let counter = 0;

    function buttons() {
      return Array.from(list.querySelectorAll("button"));
    }

    function clear() {
      list.replaceChildren();
      list.hidden = true;
    }

    function setTarget(value) {
      if (target.value === value) return;
      target.value = value;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(item) {
      setTarget(String(item.id));
      input.value = String(item.label ?? "");
      reset();
      input.focus();
      announce(t.chosen(input.value));
    }

    function render(results) {
      clear();
      if (results.length === 0) {
        const empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = t.suggestNone;
        list.appendChild(empty);
        list.hidden = false;
        announce(t.suggestNone);
        return;
      }
      results.forEach((item) => {
        if (item == null || item.id == null) return;
        const label = String(item.label ?? "");
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "suggestion";
        button.textContent = item.isco_group ? `${label} (${item.isco_group})` : label;
        if (item.matched && item.matched !== label) {
          const matched = document.createElement("span");
          matched.className = "matched";
          matched.textContent = `– ${item.matched}`;
          button.append(" ", matched);
        }
        button.addEventListener("click", () => choose(item));
        li.appendChild(button);
        list.appendChild(li);
      });
      list.hidden = false;
      announce(t.suggestCount(buttons().length));
    }

    async function suggest(query) {
      counter += 1;
      const request = counter;
      const address = new URL(url, window.location.href);
      address.searchParams.set("q", query);
      try {
        const results = await fetchJson(address.href, { headers: { Accept: "application/json" } },
          () => request === counter);
        if (results !== null && request === counter) render(results);
      } catch {
        if (request === counter) {
          clear();
          announce(t.suggestFailed);
        }
      }
    }

    const debouncedSuggest = debounce(suggest, DEBOUNCE_MS);

    function reset() {
      counter += 1;
      debouncedSuggest.cancel();
      clear();
    }

    input.addEventListener("input", () => {
      const query = input.value.trim();
      if (query === "") {
        // Emptying the search box removes the chosen occupation.
        reset();
        if (target.value !== "") {
          setTarget("");
          announce(t.cleared);
        }
        return;
      }
      if (query.length < MIN_CHARS) {
        reset();
        return;
      }
      debouncedSuggest(query);
    });

    input.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const all = buttons();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        all[0].focus();
      } else if (event.key === "Enter" && !list.hidden && all.length) {
        // Never submit the whole form while choosing; one suggestion is taken at once.
        event.preventDefault();
        if (all.length === 1) all[0].click();
        else all[0].focus();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        reset();
      }
    });

    list.addEventListener("keydown", (event) => {
      const all = buttons();
      const index = all.indexOf(document.activeElement);
      if (index < 0) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          all[Math.min(index + 1, all.length - 1)].focus();
          break;
        case "ArrowUp":
          event.preventDefault();
          if (index === 0) input.focus();
          else all[index - 1].focus();
          break;
        case "Home":
          event.preventDefault();
          all[0].focus();
          break;
        case "End":
          event.preventDefault();
          all[all.length - 1].focus();
          break;
        case "Escape":
          event.preventDefault();
          reset();
          input.focus();
          break;
        default:
          break;
      }
    });

    picker.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !picker.contains(event.relatedTarget)) reset();
    });
    document.addEventListener("click", (event) => {
      if (!list.hidden && !picker.contains(event.target)) reset();
    });
  }

  /* ---------- confirmation before risky submits ---------- */

  function initConfirm() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      const submitter = event.submitter;
      const message = (submitter && submitter.dataset && submitter.dataset.confirm) || form.dataset.confirm;
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  /* ---------- compare two suggestions (form[data-compare] with checkboxes name="job") ---------- */

  function initCompare(form) {
    const boxes = Array.from(form.querySelectorAll('input[type="checkbox"][name="job"]'));
    const buttons = Array.from(form.querySelectorAll('button[type="submit"]'));
    if (boxes.length < 2) return;
    // A bar that stays at the bottom of the screen while one scrolls the list: what is chosen, and the button.
    const bar = document.createElement("div");
    bar.className = "compare-bar";
    const status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    bar.appendChild(status);
    if (buttons.length) {
      const button = buttons[0].cloneNode(true);
      bar.appendChild(button);
      buttons.push(button);
    }
    form.appendChild(bar);

    function update() {
      const chosen = boxes.filter((box) => box.checked).length;
      status.textContent = [t.compareNone, t.compareOne, t.compareTwo][Math.min(chosen, 2)];
      // At most two can be ticked; the others wait until one is unticked.
      boxes.forEach((box) => { box.disabled = !box.checked && chosen >= 2; });
      buttons.forEach((button) => {
        button.disabled = chosen !== 2;
        button.setAttribute("aria-disabled", chosen !== 2 ? "true" : "false");
      });
    }

    boxes.forEach((box) => box.addEventListener("change", update));
    // Coming back with the browser's back button keeps the ticks: count them again.
    window.addEventListener("pageshow", update);
    update();
  }

  /* ---------- print button (button[data-print], hidden without this file) ---------- */

  function initPrint(button) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  /* ---------- server-side validation, error summary ---------- */

  function initServerValidation() {
    document.querySelectorAll("form").forEach((form) => { form.noValidate = true; });
    const summary = document.querySelector("main .flash-error[role=alert]");
    if (summary) {
      summary.tabIndex = -1;
      summary.focus();
    }
  }

  /* ---------- phone menu ---------- */

  function initMenu(nav) {
    const list = nav.querySelector("ul");
    if (!list) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "menu-toggle";
    button.textContent = "Menu";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", ensureId(list, "main-menu"));
    nav.insertBefore(button, list);
    nav.classList.add("collapsible");
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }

  /* ---------- stacked tables: each cell knows its column's heading ---------- */

  function initStackedTable(table) {
    const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    if (!headings.length) return;
    table.classList.add("stackable");
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, index) => {
        if (headings[index] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", headings[index]);
      });
    });
  }

  /* ---------- postcode → town ---------- */

  let postcodeTowns = null;

  function townsFrom(url) {
    if (!postcodeTowns) {
      postcodeTowns = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : {}))
        .catch(() => ({}));
    }
    return postcodeTowns;
  }

  function initPostcodeTown(form) {
    const url = form.getAttribute("data-postcodes");
    const town = form.querySelector('input[name="town"]');
    form.querySelectorAll('input[name$="postcode"]').forEach((input) => {
      const note = document.createElement("span");
      note.className = "hint postcode-town";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
      let filled = "";
      const update = () => {
        const code = input.value.trim();
        if (!/^[0-9]{4}$/.test(code)) {
          note.textContent = "";
          return;
        }
        townsFrom(url).then((towns) => {
          if (input.value.trim() !== code) return;
          const name = towns[code] || "";
          if (town && input.name === "postcode" && name && (town.value.trim() === "" || town.value === filled)) {
            town.value = name;
            filled = name;
          }
          note.textContent = name;
        });
      };
      input.addEventListener("input", update);
      update();
    });
  }

  /* ---------- start ---------- */

  function start() {
    initServerValidation();
    document.querySelectorAll(".site-header nav").forEach((nav) => initMenu(nav));
    document.querySelectorAll("table.table").forEach((table) => initStackedTable(table));
    document.querySelectorAll("form input[data-live-search]").forEach((input) => initLiveSearch(input));
    document.querySelectorAll(".occupation-picker[data-suggest-url]").forEach((picker) => initOccupationPicker(picker));
    document.querySelectorAll("form[data-compare]").forEach((form) => initCompare(form));
    document.querySelectorAll("button[data-print]").forEach((button) => initPrint(button));
    document.querySelectorAll("form[data-postcodes]").forEach((form) => initPostcodeTown(form));
    initConfirm();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
