// The kanban board: drag a card to another column to move the item there (the server decides;
// a refused move puts the card back and says why), column numbers follow every move, and a
// column can be collapsed (remembered per board in this browser). While a card is dragged the
// final stages wait at the bottom of the window (drop zones); a card's "move" button opens a
// menu of the stages, for the keyboard and for touch screens. Listeners sit on the document,
// so a board re-drawn by the filter bar keeps working.
(function () {
  "use strict";
  let dragged = null;

  function csrfToken() {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  }

  // A column's total as the page writes money (crm/money.py): in English the amount and the
  // ISO code, in the other languages the amount and the currency's symbol, as the locale has it.
  function formatMoney(value, currency) {
    const language = document.documentElement.lang || "en";
    if (language === "en" || !currency) {
      const number = Number(value).toLocaleString("en", {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
      return `${number} ${currency}`.trim();
    }
    return Number(value).toLocaleString(language, { style: "currency", currency });
  }

  function showError(board, text) {
    let alert = board.parentNode.querySelector(".board-error");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert error board-error";
      alert.setAttribute("role", "alert");
      board.before(alert);
    }
    alert.textContent = text;
  }

  // A moved card leaves one column and enters another: their numbers change by one card and
  // its amount (totals are kept per currency, as the server drew them).
  function shift(column, sign, amount, currency) {
    const count = column.querySelector("[data-count]");
    count.textContent = String(Number(count.textContent) + sign);
    if (amount === null || !currency) return;
    const totals = column.querySelector("[data-totals]");
    let total = totals.querySelector(`[data-currency="${CSS.escape(currency)}"]`);
    if (!total) {
      total = document.createElement("span");
      total.dataset.currency = currency;
      total.dataset.value = "0";
      totals.append(total);
    }
    const value = Number(total.dataset.value) + sign * Number(amount);
    total.dataset.value = value.toFixed(2);
    total.textContent = formatMoney(value, currency);
  }

  async function move(card, column) {
    const board = column.closest(".board");
    const from = card.closest(".column");
    const next = card.nextElementSibling;
    column.querySelector("[data-drop]").prepend(card);
    const body = new FormData();
    body.append("stage", column.dataset.stage);
    let answer = {};
    let ok = false;
    try {
      const response = await fetch(card.dataset.moveUrl, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      ok = response.ok;
      answer = await response.json();
    } catch (error) {
      ok = false;
    }
    if (!ok) {
      from.querySelector("[data-drop]").insertBefore(card, next);
      if (answer.redirect) {
        window.location.href = answer.redirect;
        return;
      }
      showError(board, answer.error || board.dataset.moveError);
      return;
    }
    card.classList.toggle("closed", Boolean(answer.closed));
    card.classList.remove("success", "failure");
    if (answer.closed) card.classList.add(column.classList.contains("success") ? "success" : "failure");
    shift(from, -1, answer.amount, answer.currency);
    shift(column, +1, answer.amount, answer.currency);
  }

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".kanban-card");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
    card.classList.add("dragging");
    showZones(card, true);
  });

  document.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("dragging");
      showZones(dragged, false);
    }
    dragged = null;
  });

  function showZones(card, shown) {
    const zones = card.closest(".board").querySelector("[data-drop-zones]");
    if (zones) zones.hidden = !shown;
  }

  // The column a drop lands in: a column itself, or the drop zone of a final stage.
  function targetColumn(node) {
    if (!node.closest) return null;
    const zone = node.closest("[data-zone]");
    if (zone) {
      return zone.closest(".board").querySelector(`.column[data-stage="${CSS.escape(zone.dataset.zone)}"]`);
    }
    return node.closest(".board .column");
  }

  document.addEventListener("dragover", (event) => {
    if (dragged && targetColumn(event.target)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });

  document.addEventListener("drop", (event) => {
    const column = targetColumn(event.target);
    if (!column || !dragged) return;
    showZones(dragged, false);
    event.preventDefault();
    const card = dragged;
    dragged = null;
    card.classList.remove("dragging");
    if (card.closest(".column") !== column) move(card, column);
  });

  // The move menu: a list of the other stages under the card's move button.

  function closeMenus(except) {
    document.querySelectorAll(".move-menu").forEach((menu) => {
      if (menu === except) return;
      menu.closest(".kanban-card").querySelector("[data-move-menu]").setAttribute("aria-expanded", "false");
      menu.remove();
    });
  }

  function openMenu(button) {
    const card = button.closest(".kanban-card");
    const board = card.closest(".board");
    const here = card.closest(".column");
    const menu = document.createElement("div");
    menu.className = "move-menu";
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", board.dataset.moveMenuLabel);
    board.querySelectorAll(".column").forEach((column) => {
      if (column === here) return;
      const item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      item.className = "link";
      item.dataset.moveTo = column.dataset.stage;
      item.textContent = column.getAttribute("aria-label");
      menu.append(item);
    });
    closeMenus();
    card.append(menu);
    button.setAttribute("aria-expanded", "true");
    menu.querySelector("button").focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move-menu]");
    if (button) {
      if (button.getAttribute("aria-expanded") === "true") closeMenus();
      else openMenu(button);
      return;
    }
    const choice = event.target.closest("[data-move-to]");
    if (choice) {
      const card = choice.closest(".kanban-card");
      const board = card.closest(".board");
      const column = board.querySelector(`.column[data-stage="${CSS.escape(choice.dataset.moveTo)}"]`);
      closeMenus();
      move(card, column);
      card.querySelector("[data-move-menu]").focus();
      return;
    }
    if (!event.target.closest(".move-menu")) closeMenus();
  });

  document.addEventListener("keydown", (event) => {
    const menu = event.target.closest && event.target.closest(".move-menu");
    if (!menu) return;
    const items = Array.from(menu.querySelectorAll("[data-move-to]"));
    const at = items.indexOf(event.target);
    if (event.key === "Escape") {
      const button = menu.closest(".kanban-card").querySelector("[data-move-menu]");
      closeMenus();
      button.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length].focus();
    }
  });

  // Collapsing columns

  function collapsedCodes(board) {
    try {
      return JSON.parse(window.localStorage.getItem(`kanban:${board.dataset.collapseKey}`)) || [];
    } catch (error) {
      return [];
    }
  }

  function applyCollapsed(board) {
    const codes = collapsedCodes(board);
    board.querySelectorAll(".column").forEach((column) => {
      const collapsed = codes.includes(column.dataset.stage);
      column.classList.toggle("collapsed", collapsed);
      column.querySelector("[data-collapse]").setAttribute("aria-expanded", String(!collapsed));
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-collapse]");
    if (!button) return;
    const column = button.closest(".column");
    const board = column.closest(".board");
    const codes = new Set(collapsedCodes(board));
    if (codes.has(column.dataset.stage)) codes.delete(column.dataset.stage);
    else codes.add(column.dataset.stage);
    window.localStorage.setItem(`kanban:${board.dataset.collapseKey}`, JSON.stringify([...codes]));
    applyCollapsed(board);
  });

  function init() {
    document.querySelectorAll(".board").forEach(applyCollapsed);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
