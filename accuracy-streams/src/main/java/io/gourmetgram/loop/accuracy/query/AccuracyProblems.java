package io.gourmetgram.loop.accuracy.query;

import io.gourmetgram.loop.support.problem.ProblemResponses;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** accuracy-streams' HTTP errors are problem JSON from the shared catalog, like every stage's. */
@RestControllerAdvice
class AccuracyProblems extends ProblemResponses {}
