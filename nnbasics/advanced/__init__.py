"""Chapters 4-5: advanced building blocks in plain NumPy (import the submodules you need).

Each submodule has one job, e.g. ``nnbasics.advanced.conv`` (convolution layer and kernels),
``nnbasics.advanced.rnn`` / ``nnbasics.advanced.lstm`` (recurrent layers with backpropagation through
time), ``nnbasics.advanced.autoencoder``, ``nnbasics.advanced.gan``. This file deliberately imports
nothing, so that importing one submodule never pulls in the others.
"""
