package io.gourmetgram.loop.labeling.web;

import io.gourmetgram.loop.support.problem.ProblemResponses;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** labeling-sink's HTTP errors are problem JSON from the shared catalog, like every stage's. */
@RestControllerAdvice
class LabelingProblems extends ProblemResponses {}
