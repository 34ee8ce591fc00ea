package io.gourmetgram.loop.support.management;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks a management request as authorized when it carries {@code Authorization: Bearer <token>}.
 * Actuator's {@code show-details: when-authorized} then shows health details to that caller only;
 * everyone else sees UP or DOWN. (No Spring Security: this is the only authenticated thing here.)
 */
final class ManagementTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final Principal OPERATOR = () -> "operator";

    private final byte[] token;

    ManagementTokenFilter(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean authorized = authorization != null
                && authorization.startsWith(BEARER)
                && MessageDigest.isEqual(
                        token, authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8));
        chain.doFilter(
                authorized
                        ? new HttpServletRequestWrapper(request) {
                            @Override
                            public Principal getUserPrincipal() {
                                return OPERATOR;
                            }

                            @Override
                            public boolean isUserInRole(String role) {
                                return true;
                            }
                        }
                        : request,
                response);
    }
}
