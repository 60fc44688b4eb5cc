/**
 * Test submissions: a chosen trial's whole-video predictions (unimodal or fused) written in the
 * file formats the MuSe challenges accept, validated against the timeline prepare derived before
 * anything is written.
 */
package io.museflow.submission;
