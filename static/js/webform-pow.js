// The proof of work of a web form (an ALTCHA v1 challenge): find the number n up to maxNumber
// whose SHA-256 of salt + n is the challenge, and give the payload the server checks. Used by
// the form's own page (an input with data-altcha-challenge is filled before the form may be
// sent) and by the embed script (window.crmWebformPow.solve).
(function () {
  "use strict";
  const BATCH = 500; // digests in flight at once: Web Crypto answers asynchronously

  async function sha256(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function solve(challenge) {
    for (let start = 0; start <= challenge.maxNumber; start += BATCH) {
      const numbers = [];
      for (let n = start; n < start + BATCH && n <= challenge.maxNumber; n++) numbers.push(n);
      const hashes = await Promise.all(numbers.map((n) => sha256(challenge.salt + n)));
      const found = hashes.indexOf(challenge.challenge);
      if (found >= 0) {
        return btoa(JSON.stringify({
          algorithm: challenge.algorithm, challenge: challenge.challenge,
          number: numbers[found], salt: challenge.salt, signature: challenge.signature,
        }));
      }
    }
    throw new Error("the challenge has no solution");
  }

  window.crmWebformPow = { solve };

  document.querySelectorAll("input[data-altcha-challenge]").forEach(async (input) => {
    const form = input.form;
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector("[data-altcha-status]");
    button.disabled = true;
    try {
      input.value = await solve(JSON.parse(input.dataset.altchaChallenge));
      if (status) status.hidden = true;
    } finally {
      button.disabled = false; // unsolved, the post is kept as spam and the visitor told alike
    }
  });
})();
