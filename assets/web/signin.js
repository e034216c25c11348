// The sign-in form, on its own at the start and inside a dialog when a session ends mid-work: the
// dialog opens over the page, so whatever was typed there stays where it was.

import { h } from './dom.js';
import { ApiError, explain } from './errors.js';

/**
 * A sign-in form. `onSignedIn(user)` runs after a successful login. `prefix` keeps ids unique when
 * two forms are on one page. Refusals are said under the field they concern (both fields for wrong
 * credentials, which the server does not tell apart on purpose).
 */
export function signInForm({ api, prefix, onSignedIn, username = '' }) {
  const userInput = h('input', {
    id: `${prefix}-username`, name: 'username', autocomplete: 'username', autocapitalize: 'none',
    spellcheck: 'false', required: true, value: username, 'aria-describedby': `${prefix}-error`,
  });
  const passwordInput = h('input', {
    id: `${prefix}-password`, name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, 'aria-describedby': `${prefix}-error`,
  });
  const error = h('p', { id: `${prefix}-error`, class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập');
  const form = h('form', { class: 'signin', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: userInput.id }, 'Tên đăng nhập'), userInput),
    h('div', { class: 'field' }, h('label', { for: passwordInput.id }, 'Mật khẩu'), passwordInput),
    error,
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const input of [userInput, passwordInput]) input.removeAttribute('aria-invalid');
    const missing = [userInput, passwordInput].filter((input) => !input.value.trim());
    if (missing.length) {
      for (const input of missing) input.setAttribute('aria-invalid', 'true');
      error.textContent = missing[0] === userInput ? 'Hãy nhập tên đăng nhập.' : 'Hãy nhập mật khẩu.';
      missing[0].focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Đang đăng nhập…';
    try {
      const user = await api.login(userInput.value.trim(), passwordInput.value);
      passwordInput.value = '';
      await onSignedIn(user);
    } catch (err) {
      const refusal = err instanceof ApiError ? err : new ApiError('INTERNAL_SERVER_ERROR', String(err));
      if (refusal.code === 'UNAUTHENTICATED') {
        for (const input of [userInput, passwordInput]) input.setAttribute('aria-invalid', 'true');
        passwordInput.select();
        passwordInput.focus();
      }
      error.textContent = explain(refusal, 'login');
    } finally {
      submit.disabled = false;
      submit.textContent = 'Đăng nhập';
    }
  });
  return form;
}

/**
 * The dialog that asks to sign in again when the session has ended. It opens over the page (nothing
 * under it is touched) and closes once signed in; `onSignedIn(user)` then resumes the work. With
 * `later`, it can be put off (the leader's page keeps recording into its queue meanwhile).
 */
export function sessionDialog({ api, onSignedIn, later = null }) {
  const title = h('h2', { id: 'session-title' }, 'Phiên đăng nhập đã hết hạn');
  const intro = h('p', {}, 'Vui lòng đăng nhập lại để tiếp tục. Những gì bạn đã nhập vẫn được giữ nguyên.');
  const dialog = h('dialog', { class: 'session', 'aria-labelledby': title.id });
  let form;
  const open = (username) => {
    if (dialog.open) return;
    form?.remove();
    form = signInForm({
      api, prefix: 'again', username,
      onSignedIn: async (user) => {
        dialog.close();
        await onSignedIn(user);
      },
    });
    intro.after(form);
    dialog.showModal();
    (username ? form.querySelector('input[type=password]') : form.querySelector('input')).focus();
  };
  dialog.append(title, intro);
  if (later) {
    dialog.append(h('button', { type: 'button', class: 'secondary later', onclick: () => dialog.close() }, later));
  } else {
    // Escape would leave the page without a session; the dialog stays until signed in.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
  }
  document.body.append(dialog);
  return { open, element: dialog };
}
