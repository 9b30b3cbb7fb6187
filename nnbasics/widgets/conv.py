"""``ConvolutionExplorer``: slide a chosen 3x3 kernel over an MNIST digit and see what it detects.

Pick a classic kernel (edge, blur, sharpen...) from the dropdown or type your own numbers in the
3x3 grid; the output is recomputed with :func:`nnbasics.advanced.conv.convolve_image` (zero
padding, so it keeps the digit's size) and drawn next to the input and the kernel.

Python API (what the tests drive)::

    explorer = ConvolutionExplorer(images, labels)   # images (n, 28, 28), uint8 or float
    explorer.kernel_dropdown.value = "blur"          # or explorer.set_kernel("blur")
    explorer.set_kernel([[0, 0, 0], [0, 2, 0], [0, 0, 0]])   # hand-edited: dropdown shows "custom"
    explorer.image_slider.value = 3                  # another digit
    explorer.kernel, explorer.output                 # (3, 3) and (28, 28) arrays
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from nnbasics.advanced.conv import convolve_image
from nnbasics.advanced.figures import plot_convolution
from nnbasics.advanced.kernels import KERNELS, get_kernel
from nnbasics.widgets._display import FigureImage, WidgetBase, labelled

__all__ = ["CUSTOM", "ConvolutionExplorer"]

CUSTOM = "custom"
KERNEL_SIZE = 3


class ConvolutionExplorer(WidgetBase):
    """Input digit, kernel and output side by side; controls choose the digit and the kernel.

    Args:
        images: ``(n, H, W)`` grey images (uint8 0-255 or floats in [0, 1]).
        labels: optional ``(n,)`` labels shown in the title.
        kernel: initial kernel name (see ``nnbasics.advanced.kernels.KERNELS``).
        index: initial image index.

    Controls: ``image_slider`` (IntSlider), ``kernel_dropdown`` (kernel names + "custom"),
    ``kernel_cells`` (3x3 nested list of FloatText). State: ``image`` (H, W) floats in [0, 1],
    ``kernel`` (3, 3), ``output`` (H, W), ``kernel_name``.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray | None = None,
        kernel: str = "edge",
        index: int = 0,
    ) -> None:
        images = np.asarray(images)
        if images.ndim != 3 or len(images) == 0:
            raise ValueError(f"images must have shape (n, H, W) with n >= 1, got {images.shape}")
        if labels is not None and len(labels) != len(images):
            raise ValueError(f"got {len(labels)} labels for {len(images)} images")
        scale = 255.0 if images.dtype == np.uint8 else 1.0
        self._images = images
        self._scale = scale
        self._labels = None if labels is None else np.asarray(labels)
        self._syncing = False

        self.image_slider = ipw.IntSlider(value=index, min=0, max=len(images) - 1,
                                          description="digit #")
        self.kernel_dropdown = ipw.Dropdown(options=[*KERNELS, CUSTOM], value=kernel,
                                            description="kernel")
        self.kernel_cells = [
            [ipw.FloatText(layout=ipw.Layout(width="70px")) for _ in range(KERNEL_SIZE)]
            for _ in range(KERNEL_SIZE)
        ]
        self.caption = ipw.HTML()
        self.figure = FigureImage(figsize=(9.0, 3.2))
        self._axes = self.figure.figure.subplots(1, 3)
        self.figure.figure.subplots_adjust(left=0.02, right=0.98, bottom=0.04, top=0.9, wspace=0.1)

        self.image = self._load_image(index)
        self.kernel = get_kernel(kernel)
        self.kernel_name = kernel
        self._write_cells()
        self._recompute()

        self.image_slider.observe(lambda change: self.select_image(change["new"]), names="value")
        self.kernel_dropdown.observe(self._on_dropdown, names="value")
        for row in self.kernel_cells:
            for cell in row:
                cell.observe(self._on_cell, names="value")
        grid = ipw.VBox([ipw.HBox(row) for row in self.kernel_cells])
        controls = ipw.VBox([self.image_slider, self.kernel_dropdown,
                             labelled("kernel values", grid, width="100px")])
        self.widget = ipw.VBox([ipw.HBox([controls, self.caption]), self.figure.image])
        self.widget.add_class("nnb-conv-explorer")
        self.kernel_dropdown.add_class("nnb-conv-kernel")
        self.figure.image.add_class("nnb-conv-image")

    # ------------------------------------------------------------------ public API
    def select_image(self, index: int) -> None:
        """Show image number ``index`` and recompute the output."""
        if not 0 <= index < len(self._images):
            raise IndexError(f"image index {index} out of range 0..{len(self._images) - 1}")
        if self.image_slider.value != index:
            self.image_slider.value = index  # its observer calls select_image(index) again
            return
        self.image = self._load_image(index)
        self._recompute()

    def set_kernel(self, kernel: str | np.ndarray) -> None:
        """Use the kernel called ``kernel``, or a hand-made ``(3, 3)`` array of numbers."""
        if isinstance(kernel, str):
            if kernel == CUSTOM:
                return
            values, name = get_kernel(kernel), kernel
        else:
            values = np.asarray(kernel, dtype=np.float64)
            if values.shape != (KERNEL_SIZE, KERNEL_SIZE) or not np.all(np.isfinite(values)):
                raise ValueError(f"a hand-made kernel must be a finite 3x3 array, got {values!r}")
            name = self._name_of(values)
        self.kernel, self.kernel_name = values.copy(), name
        self._syncing = True
        try:
            self.kernel_dropdown.value = name
            self._write_cells()
        finally:
            self._syncing = False
        self._recompute()

    # ------------------------------------------------------------------ internals
    def _load_image(self, index: int) -> np.ndarray:
        return self._images[index].astype(np.float64) / self._scale

    @staticmethod
    def _name_of(values: np.ndarray) -> str:
        for name, known in KERNELS.items():
            if np.allclose(values, known):
                return name
        return CUSTOM

    def _write_cells(self) -> None:
        for (row, col), value in np.ndenumerate(self.kernel):
            self.kernel_cells[row][col].value = float(value)

    def _on_dropdown(self, change) -> None:
        if not self._syncing:
            self.set_kernel(change["new"])

    def _on_cell(self, change) -> None:
        if not self._syncing:
            self.set_kernel([[cell.value for cell in row] for row in self.kernel_cells])

    def _recompute(self) -> None:
        self.output = convolve_image(self.image, self.kernel)
        for ax in self._axes:
            ax.clear()
        plot_convolution(self.image, self.kernel, self.output, axes=self._axes)
        index = self.image_slider.value
        label = "" if self._labels is None else f" (label {self._labels[index]})"
        self.caption.value = (
            f"<b>digit #{index}{label}</b>, kernel <b>{self.kernel_name}</b>:<br>"
            f"output from {self.output.min():.2f} to {self.output.max():.2f}, "
            f"{np.mean(np.abs(self.output) > 0.1):.0%} of pixels respond (|value| &gt; 0.1)"
        )
        self.figure.render()
