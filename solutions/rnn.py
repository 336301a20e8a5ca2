"""03_rnn: the recurrence h_t = tanh(W [h_{t-1}; x_t] + b), over a step and a sequence."""
import numpy as np

from autograder.caches import RNNCache, RNNStepCache


def rnn_step_forward(x_t, h_prev, W, b):
    """One step of the simple RNN.

    Inputs:
    - x_t: input at one time step, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - W: weights acting on [h_prev, x_t], of shape (H, H + D), hidden part first
    - b: bias, of shape (H,)
    Returns a tuple of:
    - h_next: next hidden state, of shape (N, H)
    - cache: RNNStepCache(x_t, h_prev, W, b, h_next) for the backward pass
    """
    hx = np.concatenate([h_prev, x_t], axis=1)  # (N, H + D)
    h_next = np.tanh(hx @ W.T + b)  # (N, H)
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def rnn_forward(x, W, b, h0=None, mask=None):
    """Run the RNN over whole sequences.

    Inputs:
    - x: inputs, of shape (N, T, D)
    - W: weights, of shape (H, H + D); b: bias, of shape (H,)
    - h0: initial state, of shape (N, H); None means zeros
    - mask: None, or bool of shape (N, T); where mask[n, t] is False the step is
      skipped and the state carries over unchanged
    Returns a tuple of:
    - h: every step's state, of shape (N, T, H); h[:, t] is the state after step t
    - cache: RNNCache(x, W, b, h0, h, mask) for the backward pass
    """
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h = np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)  # (N, H)
        if mask is not None:
            keep = mask[:, t][:, None]  # (N, 1)
            h_t = np.where(keep, h_t, h_prev)
        h[:, t] = h_t
        h_prev = h_t
    return h, RNNCache(x, W, b, h0, h, mask)


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    """Pad (or cut) lists of ids to one length, as keras.utils.pad_sequences does.

    Inputs:
    - sequences: a list of N sequences of ints (lists or arrays, possibly empty)
    - maxlen: the length of the result; None means the longest sequence's length
    - padding: "pre" or "post", where the fill value goes
    - truncating: "pre" (drop the beginning, keep the last maxlen) or "post"
    - value: the fill value
    Returns:
    - an int32 array of shape (N, maxlen)
    """
    if padding not in ("pre", "post"):
        raise ValueError(f'padding must be "pre" or "post", not {padding!r}')
    if truncating not in ("pre", "post"):
        raise ValueError(f'truncating must be "pre" or "post", not {truncating!r}')
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for i, seq in enumerate(sequences):
        if len(seq) == 0 or maxlen == 0:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def birnn_forward(x, W_f, b_f, W_b, b_b, mask=None):
    """A bidirectional RNN's final states, as Bidirectional(SimpleRNN(H)) returns them.

    Inputs:
    - x: inputs, of shape (N, T, D); mask: None or bool (N, T)
    - W_f, b_f: the left-to-right RNN's weights (H, H + D) and bias (H,)
    - W_b, b_b: the right-to-left RNN's weights and bias
    Returns:
    - of shape (N, 2H): [forward state after the last step, backward state after
      reading back to the first step]
    """
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    back_mask = None if mask is None else mask[:, ::-1]
    h_b, _ = rnn_forward(x[:, ::-1], W_b, b_b, mask=back_mask)
    return np.concatenate([h_f[:, -1], h_b[:, -1]], axis=1)  # (N, 2H)
