"""Layer 4: the composer's shape, range, and that GVF training makes it track a cumulant."""

import pytest
import torch
from torch import nn

from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.agents.composer import (
    EmotionComposer,
    Encoder,
    EncoderLayer,
    gvf_td_loss,
)


def test_outputs_are_in_unit_interval_with_one_per_complex_emotion():
    torch.manual_seed(0)
    comp = EmotionComposer(n_primitives=10, context_dim=7)
    out = comp(torch.rand(5, 10), torch.randn(5, 7))
    assert out.shape == (5, len(COMPLEX_EMOTIONS))
    assert torch.all((out > 0) & (out < 1))


def test_encoder_computes_what_nn_transformer_encoder_computes():
    # the hand-written layers are nn.TransformerEncoder's pre-norm layers (ReLU, no dropout),
    # with the same parameter names and, for a seed, the same initial weights
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(
        32, 4, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=True
    )
    ref = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    torch.manual_seed(0)
    ours = Encoder(EncoderLayer(32, 4, 64), 2)
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert all(map(torch.equal, ours.state_dict().values(), ref.state_dict().values()))
    with torch.no_grad():  # make the two layers differ, and the biases non-zero
        for p in ref.parameters():
            p.add_(0.2 * torch.randn_like(p))
    ref.double()  # in float64, so that only a different function could tell them apart
    ours.double().load_state_dict(ref.state_dict())
    x = torch.randn(5, 15, 32, dtype=torch.float64)
    torch.testing.assert_close(ours.layers[0](x), ref.layers[0](x))
    x_ours, x_ref = x.clone().requires_grad_(), x.clone().requires_grad_()
    out, expected = ours(x_ours, 4), ref(x_ref)[:, -4:]
    torch.testing.assert_close(out, expected)
    out.square().sum().backward()
    expected.square().sum().backward()
    torch.testing.assert_close(x_ours.grad, x_ref.grad)
    for p, q in zip(ours.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad)


def test_gvf_td_loss_hand_computed():
    pred = torch.tensor([[0.5, 0.2], [0.3, 0.2]])
    nxt = torch.tensor([[1.0, 0.4], [1.0, 0.4]])
    c, gam = torch.tensor([[1.0, 0.0], [0.0, 0.0]]), torch.tensor([0.9, 0.5])
    # targets: column 0: 0.1·1 + 0.9·1.0 = 1.0 and 0.9·1.0 = 0.9 (variance 0.0025);
    # column 1: 0.5·0.4 = 0.2 twice (variance 0). Squared errors: 0.25, 0.36 and 0, 0.
    loss = gvf_td_loss(pred, nxt, c, torch.zeros(2), gam, variance_floor=0.01).item()
    assert loss == pytest.approx((0.305 / 0.0125 + 0.0 / 0.01) / 2)
    # at an episode end nothing is bootstrapped: targets 0.1, 0 and 0, 0
    ended = gvf_td_loss(pred, nxt, c, torch.ones(2), gam, variance_floor=0.01).item()
    assert ended == pytest.approx(((0.16 + 0.09) / 2 / 0.0125 + (0.04 + 0.04) / 2 / 0.01) / 2)


def test_td_training_makes_the_composer_track_its_cumulant():
    # a stationary world: the state never changes, the cumulant of each GVF is one primitive,
    # so the normalised GVF's fixed point is that primitive's value
    torch.manual_seed(0)
    comp = EmotionComposer(n_primitives=10, context_dim=10)
    opt = torch.optim.Adam(comp.parameters(), lr=3e-3)
    gam = torch.tensor([0.5, 0.5, 0.5, 0.5])
    for _ in range(400):
        prims = torch.rand(128, 10)
        pred = comp(prims, prims)
        loss = gvf_td_loss(pred, pred, prims[:, :4], torch.zeros(128), gam)
        opt.zero_grad()
        loss.backward()
        opt.step()
    test = torch.rand(256, 10)
    with torch.no_grad():
        err = (comp(test, test) - test[:, :4]).abs().mean()
    assert err < 0.05
