"""Playground driven through its Python API, its controls and its asyncio Play loop."""

import asyncio

import numpy as np
import pytest

from nnbasics.losses import SoftmaxCrossEntropy
from nnbasics.optimizers import Adam, Momentum
from nnbasics.widgets import Playground


def test_loss_falls_on_xor_and_the_epoch_counter_advances():
    p = Playground(dataset="xor", hidden_layers=(4,), lr=0.1, n_points=300)
    first = p.history["loss"][0]
    p.step(25)
    assert p.epoch == 25 and "000,025" in p.epoch_label.value
    assert len(p.history["loss"]) == 26  # epoch 0 and one entry per epoch
    assert p.history["loss"][-1] < 0.6 * first
    assert p.history["val_accuracy"][-1] > 0.85
    assert f"{p.history['loss'][-1]:.3f}" in p.stats_label.value


def test_gradient_norms_are_the_models_per_layer():
    p = Playground(hidden_layers=(3, 2), n_points=200)
    p.step(2)
    assert len(p.trainer.gradient_norms) == 3 and len(p.trainer.gradient_norms[-1]) == 3
    model = p.model
    model.forward(p.trainer.F_train, training=True)
    model.backward(p.trainer.y_train)
    np.testing.assert_allclose(p.trainer.gradient_norms[-1], model.gradient_norms("W"))


def test_data_controls_regenerate_points_and_reset_the_network():
    p = Playground(dataset="circle", n_points=200)
    p.step(2)
    assert p.classes_slider.disabled
    p.dataset_buttons.value = "gaussian"
    assert p.epoch == 0 and not p.classes_slider.disabled
    p.classes_slider.value = 3
    assert p.model.layer_sizes[-1] == 3 and isinstance(p.model.loss_fn, SoftmaxCrossEntropy)
    assert set(np.unique(p.trainer.y_train)) == {0, 1, 2}
    p.step(3)
    assert p.history["loss"][-1] < p.history["loss"][0]
    p.train_ratio_slider.value = 30
    assert len(p.trainer.X_train) == 60 and len(p.trainer.X_test) == 140
    old = p.trainer.X_train.copy()
    p.regenerate_button.click()
    assert not np.array_equal(old, p.trainer.X_train)


def test_features_and_layers_change_the_model():
    p = Playground(hidden_layers=(4, 2), n_points=200)
    faded = bytes(p.heatmaps.feature_images["x1²"].value)
    p.feature_toggles["x1²"].value = True
    assert bytes(p.heatmaps.feature_images["x1²"].value) != faded  # drawn at full strength
    p.feature_toggles["sin x2"].value = True
    assert p.trainer.features == ("x1", "x2", "x1²", "sin x2")
    assert p.model.layer_sizes[0] == 4
    np.testing.assert_allclose(p.trainer.F_train[:, 2], p.trainer.X_train[:, 0] ** 2)
    p.add_layer_button.click()
    p.add_neuron(0)
    assert p.hidden_layers == (5, 2, 2) and len(p.heatmaps.neuron_images) == 3
    p.remove_neuron(1)
    p.remove_layer()
    assert p.hidden_layers == (5, 1) and p.model.layer_sizes == [4, 5, 1, 1]
    with pytest.raises(ValueError, match="up to 6 hidden layers of 1 to 8"):
        p.set_hidden_layers((9,))


def test_the_last_feature_cannot_be_switched_off():
    p = Playground(features=("x1",), hidden_layers=(2,), n_points=100)
    p.feature_toggles["x1"].value = False  # the network needs an input
    assert p.feature_toggles["x1"].value and p.trainer.features == ("x1",)


def test_training_settings_apply_live_without_reset():
    p = Playground(optimizer="SGD", lr=0.03, n_points=200)
    p.step(2)
    p.lr_dropdown.value = 0.3
    p.regularization_dropdown.value = "L2"
    p.reg_rate_dropdown.value = 0.01
    p.batch_slider.value = 25
    p.optimizer_dropdown.value = "Adam"
    assert p.epoch == 2
    assert isinstance(p.trainer.optimizer, Adam) and p.trainer.optimizer.lr == 0.3
    assert (p.model.l1, p.model.l2, p.trainer.batch_size) == (0.0, 0.01, 25)
    p.optimizer_dropdown.value = "Momentum"
    p.lr_dropdown.value = 0.01
    assert isinstance(p.trainer.optimizer, Momentum) and p.trainer.optimizer.lr == 0.01
    p.activation_dropdown.value = "relu"
    assert p.epoch == 0 and p.model.activation == "relu"


def test_reset_draws_new_initial_weights_and_restarts_the_count():
    p = Playground(n_points=200)
    first = p.model.layers[0].params["W"].copy()
    p.step(2)
    p.reset_button.click()
    assert p.epoch == 0 and len(p.history["loss"]) == 1
    assert not np.array_equal(p.model.layers[0].params["W"], first)


def test_redraws_blit_the_data_over_a_kept_background():
    p = Playground(n_points=200)
    p.step(3)
    figure = p.boundary.figure
    renders, blits = figure.renders, figure.blits
    p.step()
    assert (figure.renders, figure.blits) == (renders, blits + 1)
    assert all(bytes(img.value[:4]) == b"\x89PNG" for col in p.heatmaps.neuron_images for img in col)


def test_play_runs_on_the_event_loop_and_pause_stops_it():
    p = Playground(dataset="xor", hidden_layers=(3,), n_points=200)

    async def scenario() -> tuple[int, int]:
        p.play_button.click()
        assert p.playing and p.play_button.description == "Pause"
        for _ in range(500):  # the loop yields between epochs, so this coroutine gets to run
            await asyncio.sleep(0.01)
            if p.epoch >= 3:
                break
        p.play_button.click()
        await p._player.task
        stopped = p.epoch
        await asyncio.sleep(0.05)
        return stopped, p.epoch

    stopped, later = asyncio.run(scenario())
    assert stopped >= 3 and later == stopped
    assert not p.playing and p.play_button.description == "Play"


def test_play_outside_an_event_loop_explains_what_to_do():
    with pytest.raises(RuntimeError, match="call step"):
        Playground(n_points=100).play()


def test_divergence_is_reported_and_stops_training():
    p = Playground(dataset="xor", activation="relu", lr=10.0, hidden_layers=(8, 8, 8), n_points=100)
    p.trainer.set_lr(1e300)  # the weights overflow within the first epoch
    p.step(5)
    assert p.epoch == 0 and "lower the learning rate (now 1e+300)" in p.status.value
    epoch = p.epoch
    p.step(2)
    assert p.epoch == epoch


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dataset": "moons"}, "dataset must be one of"),
    ({"dataset": "xor", "n_classes": 3}, "has 2 classes"),
    ({"features": ("x3",)}, "unknown features"),
    ({"optimizer": "RMSprop"}, "optimizer must be one of"),
    ({"regularization": "L3"}, "regularization must be one of"),
])
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Playground(**kwargs)


def test_png_encoder_round_trips_through_pil():
    import io

    from PIL import Image

    from nnbasics.widgets._display import rgba_to_png

    rng = np.random.default_rng(0)
    for channels in (3, 4):
        pixels = rng.integers(0, 256, size=(5, 7, channels), dtype=np.uint8)
        decoded = np.asarray(Image.open(io.BytesIO(rgba_to_png(pixels))))
        np.testing.assert_array_equal(decoded, pixels)
    with pytest.raises(ValueError, match="uint8 image"):
        rgba_to_png(np.zeros((4, 4), np.uint8))


def test_overlay_blends_only_its_visible_pixels():
    from nnbasics.widgets._display import Overlay

    top = np.zeros((2, 2, 4), np.uint8)
    top[0, 0] = (0, 0, 0, 255)  # opaque black
    top[1, 1] = (0, 0, 200, 128)  # half-transparent blue
    frame = np.full((2, 2, 4), 255, np.uint8)
    out = Overlay(top).over(frame)
    assert out[0, 0, :3].tolist() == [0, 0, 0]
    assert out[1, 1, :3].tolist() == [127, 127, 227]
    assert out[0, 1, :3].tolist() == out[1, 0, :3].tolist() == [255, 255, 255]
    assert frame[0, 0, 0] == 255  # the frame itself is left alone
