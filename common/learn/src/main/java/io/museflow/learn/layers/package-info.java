/**
 * DL4J layers and the wiring they share: dense and output layers that work per frame on the
 * sequences' own layout, parameter layouts, initialisation schemes.
 */
package io.museflow.learn.layers;
